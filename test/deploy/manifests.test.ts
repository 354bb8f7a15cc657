// deploy/kubernetes: every object validates against the Kubernetes API schema (kubernetes-models'
// validators, generated from the OpenAPI definitions: types, required fields, formats); the
// DaemonSet is least privileged as Falco's chart in leastPrivileged mode (the four capabilities, not
// privileged, not hostPID), reaches every node, mounts the host under /host and probes /healthz; the
// configurations the ConfigMaps hold load in ghostwatch with nothing left unimplemented; the audit
// Deployment runs as nobody with no capability. The Helm chart's templates are not rendered here: no
// Helm binary comes from Debian or npm (the chart mirrors these manifests).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { loadConfig } from '../../src/config/load.js';
import { repoRoot } from '../helpers.js';

const dir = join(repoRoot, 'deploy', 'kubernetes');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

/** Each object's validator, by apiVersion/kind. */
const MODELS: Partial<Record<string, (o: K8sObject) => { validate(): void }>> = {
  'v1/Namespace': (o) => new Namespace(o),
  'v1/ServiceAccount': (o) => new ServiceAccount(o),
  'v1/ConfigMap': (o) => new ConfigMap(o),
  'v1/Secret': (o) => new Secret(o),
  'v1/Service': (o) => new Service(o),
  'apps/v1/DaemonSet': (o) => new DaemonSet(o),
  'apps/v1/Deployment': (o) => new Deployment(o),
};

function objects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], file);
    return d.toJS() as K8sObject;
  });
}

const all = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'audit-webhook-kubeconfig.yaml').flatMap((f) => objects(f).map((o) => ({ file: f, o })));
const find = (kind: string, name: string) => all.find(({ o }) => o.kind === kind && o.metadata.name === name)?.o;

type Container = {
  securityContext: { privileged?: boolean; capabilities: { drop: string[]; add?: string[] }; allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  env: { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[];
  readinessProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
  startupProbe?: { httpGet: { path: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
};
type PodSpec = { hostPID?: boolean; hostNetwork?: boolean; tolerations?: { operator: string }[]; containers: Container[]; volumes: { name: string; hostPath?: { path: string } }[]; securityContext?: { runAsNonRoot?: boolean } };
const podSpec = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;

describe('the Kubernetes manifests', () => {
  it('every object validates against the Kubernetes API schema', () => {
    assert.ok(all.length >= 9, String(all.length));
    for (const { file, o } of all) {
      const model = MODELS[`${o.apiVersion}/${o.kind}`];
      assert.ok(model !== undefined, `${file}: ${o.apiVersion} ${o.kind} has no validator here`);
      assert.doesNotThrow(() => model(o).validate(), `${file}: ${o.kind} ${o.metadata.name}`);
    }
  });

  it('the validation catches a broken object (the check can fail)', () => {
    const ds = structuredClone(find('DaemonSet', 'ghostwatch')!) as K8sObject & { spec: { selector?: unknown } };
    delete ds.spec.selector;
    assert.throws(() => MODELS['apps/v1/DaemonSet']!(ds).validate());
  });

  it('the DaemonSet is least privileged, reaches every node and mounts the host under /host', () => {
    const spec = podSpec(find('DaemonSet', 'ghostwatch')!);
    assert.notEqual(spec.hostPID, true);
    assert.notEqual(spec.hostNetwork, true);
    assert.deepEqual(spec.tolerations, [{ operator: 'Exists' }]);
    const [c] = spec.containers;
    assert.notEqual(c.securityContext.privileged, true);
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'], add: ['BPF', 'PERFMON', 'SYS_RESOURCE', 'SYS_PTRACE'] });
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    const mounts = new Map(c.volumeMounts.map((m) => [m.mountPath, m]));
    const hostPaths = new Map(spec.volumes.map((v) => [v.name, v.hostPath?.path]));
    for (const [host, inPod] of [['/proc', '/host/proc'], ['/etc', '/host/etc'], ['/sys/kernel', '/sys/kernel'], ['/run', '/host/run']]) {
      const m = mounts.get(inPod);
      assert.ok(m !== undefined, `${inPod} mounted`);
      assert.equal(hostPaths.get(m.name), host);
      assert.equal(m.readOnly, true, `${inPod} read-only`);
    }
    assert.deepEqual(c.env.find((e) => e.name === 'HOST_ROOT'), { name: 'HOST_ROOT', value: '/host' });
    assert.equal(c.env.find((e) => e.name === 'FALCO_HOSTNAME')?.valueFrom?.fieldRef.fieldPath, 'spec.nodeName');
    for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe]) assert.equal(p?.httpGet.path, '/healthz');
    assert.ok(c.resources.requests.memory !== '' && c.resources.limits.memory !== '');
    // The configuration is mounted as a folder (a subPath mount would never see the ConfigMap's updates).
    assert.ok(c.volumeMounts.every((m) => !('subPath' in m)));
  });

  it('the audit Deployment runs as nobody, with no capability and no privilege', () => {
    const spec = podSpec(find('Deployment', 'ghostwatch-audit')!);
    assert.equal(spec.securityContext?.runAsNonRoot, true);
    const [c] = spec.containers;
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.ok(spec.volumes.every((v) => v.hostPath === undefined), 'no host path');
  });

  it('the configurations the ConfigMaps hold load in ghostwatch, every key implemented', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gw-manifests-'));
    for (const name of ['ghostwatch-config', 'ghostwatch-audit-config']) {
      const data = (find('ConfigMap', name) as { data: Record<string, string> } | undefined)?.data['ghostwatch.yaml'];
      assert.ok(data !== undefined, name);
      const file = join(tmp, `${name}.yaml`);
      writeFileSync(file, data);
      const loaded = loadConfig(file);
      assert.deepEqual(loaded.unimplemented, [], name);
    }
  });
});
