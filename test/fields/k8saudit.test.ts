// The fields of the k8s_audit source: the k8saudit plugin's ka.* fields with its semantics (values
// as text, lists per container, rule or volume, index arguments, no value without an auditID), the
// json plugin's json.*/jevt.* fields, the generic evt fields of a plugin source, and how they print
// and compare in conditions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pluginEvent } from '../../src/capture/plugin-event.js';
import { OutputFormat } from '../../src/fields/format.js';
import { K8SAUDIT_CLASS, K8SAUDIT_PLUGIN_ID } from '../../src/fields/k8saudit.js';
import { createK8sAuditRegistry, k8sAuditClasses } from '../../src/fields/k8saudit-source.js';
import { JSON_CLASS } from '../../src/fields/json.js';
import { FieldError } from '../../src/fields/types.js';
import { compileCondition, FilterCompileError, parseCondition } from '../../src/filter/index.js';
import { createPod, createRole, createBinding, createService, execPod, auditEvent, type JsonObject } from '../sources/k8saudit/audit-events.js';

const registry = createK8sAuditRegistry(true);
let num = 0;
const TS = 1714557600123456789n;

function evt(e: JsonObject | string) {
  return pluginEvent(K8SAUDIT_PLUGIN_ID, TS, Buffer.from(typeof e === 'string' ? e : JSON.stringify(e)), ++num);
}

/** The field's value for the event (undefined: no value). */
function value(field: string, e: JsonObject | string): unknown {
  const m = /^([^[]+)(?:\[(.*)\])?$/.exec(field)!;
  return registry.bind(m[1], m[2]).extract(evt(e));
}

function holds(condition: string, e: JsonObject): boolean {
  return compileCondition(parseCondition(condition), registry)(evt(e));
}

function printed(format: string, e: JsonObject): string | undefined {
  return OutputFormat.parse(registry, format).format(evt(e));
}

const POD = createPod({
  containers: [
    { name: 'web', image: 'registry.example.com:5000/team/web:1.2@sha256:abcd', privileged: true, command: ['/bin/sh', '-c'], args: ['run', '--fast'],
      ports: [{ containerPort: 8080, hostPort: 80 }, { containerPort: 9090 }], securityContext: { runAsUser: 1000, capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } } },
    { name: 'sidecar', image: 'envoyproxy/envoy:v1.29', securityContext: { readOnlyRootFilesystem: true } },
  ],
  initContainers: [{ name: 'init', image: 'busybox:1.36', privileged: true }],
  ephemeralContainers: [{ name: 'debug', image: 'nicolaka/netshoot' }],
  hostNetwork: true,
  hostPaths: ['/var/run/docker.sock', '/proc'],
  securityContext: { runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000, supplementalGroups: [5, 6] },
});

describe('k8saudit fields', () => {
  it('are the plugin\'s 100 ka.* fields (71, and the init and ephemeral containers\' 15 and 14), each once', () => {
    const names = K8SAUDIT_CLASS.fields.map((f) => f.name);
    assert.equal(names.length, 100);
    assert.equal(new Set(names).size, 100);
    assert.ok(names.every((n) => n.startsWith('ka.')));
    assert.equal(names.filter((n) => n.startsWith('ka.req.pod.initContainers.')).length, 15);
    assert.equal(names.filter((n) => n.startsWith('ka.req.pod.ephemeralContainers.')).length, 14);
    assert.deepEqual(JSON_CLASS.fields.map((f) => f.name), ['json.value', 'json.obj', 'json.rawtime', 'jevt.value', 'jevt.obj', 'jevt.rawtime']);
    assert.ok(K8SAUDIT_CLASS.fields.every((f) => f.type === 9)); // CHARBUF, as every plugin string field
  });

  it('read the request: verb, user, target, uri, response, annotations', () => {
    const e = execPod();
    assert.equal(value('ka.verb', e), 'create');
    assert.equal(value('ka.user.name', e), 'kubernetes-admin');
    assert.deepEqual(value('ka.user.groups', e), ['kubeadm:cluster-admins', 'system:authenticated']);
    assert.equal(value('ka.target.resource', e), 'pods');
    assert.equal(value('ka.target.subresource', e), 'exec');
    assert.equal(value('ka.target.namespace', e), 'default');
    assert.equal(value('ka.stage', e), 'ResponseStarted');
    assert.equal(value('ka.auth.decision', e), 'allow');
    // Numbers read as their JSON text.
    assert.equal(value('ka.response.code', e), '101');
    assert.equal(value('ka.useragent', e), 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819');
    assert.deepEqual(value('ka.sourceips', e), ['192.168.49.1']);
    assert.deepEqual(value('ka.sourceips[0]', e), ['192.168.49.1']);
    assert.equal(value('ka.sourceips[1]', e), undefined);
    // The first value of a query parameter, decoded as Go does.
    assert.equal(value('ka.uri.param[command]', e), 'sh');
    assert.equal(value('ka.uri.param[container]', e), 'web');
    assert.equal(value('ka.uri.param[nope]', e), undefined);
    assert.equal(value('ka.uri.param[q]', auditEvent({ verb: 'get', resource: 'pods', uri: '/x?q=a+b%2Fc&q=2' })), 'a b/c');
    assert.equal(value('ka.uri.param[q]', auditEvent({ verb: 'get', resource: 'pods', uri: '/x?q=%zz' })), undefined);
    assert.equal(value('ka.impuser.name', e), undefined);
    assert.equal(value('ka.target.pod.name', e), undefined);
    assert.equal(value('ka.target.pod.name', POD), 'web');
    assert.equal(value('ka.resp.name', POD), 'web');
  });

  it('have no value for an event without auditID, as the plugin discards it', () => {
    const e = { ...execPod(), auditID: undefined };
    assert.equal(value('ka.verb', e), undefined);
    assert.equal(value('jevt.value[/verb]', e), 'create');
  });

  it('read pods: per-container lists, an index picking one, the first container for the deprecated fields', () => {
    assert.deepEqual(value('ka.req.pod.containers.image', POD), ['registry.example.com:5000/team/web:1.2@sha256:abcd', 'envoyproxy/envoy:v1.29']);
    // The repository as the plugin cuts it: before the first ':' (a registry port too), then before '@'.
    assert.deepEqual(value('ka.req.pod.containers.image.repository', POD), ['registry.example.com', 'envoyproxy/envoy']);
    assert.deepEqual(value('ka.req.pod.containers.image[1]', POD), ['envoyproxy/envoy:v1.29']);
    assert.equal(value('ka.req.pod.containers.image[2]', POD), undefined);
    assert.equal(value('ka.req.container.image', POD), 'registry.example.com:5000/team/web:1.2@sha256:abcd');
    assert.equal(value('ka.req.container.image.repository', POD), 'registry.example.com');
    assert.deepEqual(value('ka.req.pod.containers.name', POD), ['web', 'sidecar']);
    assert.deepEqual(value('ka.req.pod.containers.command', POD), ['/bin/sh -c']);
    assert.deepEqual(value('ka.req.pod.containers.args', POD), ['run --fast']);
    // Containers without the setting are left out of the list.
    assert.deepEqual(value('ka.req.pod.containers.privileged', POD), ['true']);
    assert.deepEqual(value('ka.req.pod.containers.read_only_fs', POD), ['true']);
    assert.equal(value('ka.req.container.privileged', POD), 'true');
    assert.equal(value('ka.req.container.privileged', createPod({ containers: [{ image: 'nginx' }] })), 'false');
    assert.deepEqual(value('ka.req.pod.containers.host_port', POD), ['80', '9090']);
    assert.deepEqual(value('ka.req.pod.containers.add_capabilities', POD), ['NET_ADMIN', 'SYS_TIME']);
    assert.deepEqual(value('ka.req.pod.containers.run_as_user', POD), ['1000']);
    // A container's own id, else the pod's.
    assert.deepEqual(value('ka.req.pod.containers.eff_run_as_user', POD), ['1000', '2000']);
    assert.deepEqual(value('ka.req.pod.containers.eff_run_as_group', POD), ['3000', '3000']);
    assert.deepEqual(value('ka.req.pod.containers.eff_run_as_user', createPod({ containers: [{ image: 'nginx' }] })), ['0']);
    assert.equal(value('ka.req.pod.run_as_user', POD), '2000');
    assert.equal(value('ka.req.pod.fs_group', POD), '4000');
    assert.deepEqual(value('ka.req.pod.supplemental_groups', POD), ['5', '6']);
    assert.equal(value('ka.req.pod.host_network', POD), 'true');
    assert.equal(value('ka.req.container.host_network', POD), 'true');
    assert.equal(value('ka.req.pod.host_pid', POD), undefined);
    // Init and ephemeral containers are lists of their own.
    assert.deepEqual(value('ka.req.pod.initContainers.privileged', POD), ['true']);
    assert.deepEqual(value('ka.req.pod.initContainers.image', POD), ['busybox:1.36']);
    assert.deepEqual(value('ka.req.pod.ephemeralContainers.name', POD), ['debug']);
    assert.equal(value('ka.req.pod.ephemeralContainers.privileged', POD), undefined);
  });

  it('read volumes: host paths, their kinds, a path or prefix in use', () => {
    assert.deepEqual(value('ka.req.pod.volumes.hostpath', POD), ['/var/run/docker.sock', '/proc']);
    assert.deepEqual(value('ka.req.pod.volumes.hostpath[1]', POD), ['/proc']);
    assert.deepEqual(value('ka.req.pod.volumes.volume_type', POD), ['hostPath', 'hostPath']);
    assert.equal(value('ka.req.volume.hostpath[/proc*]', POD), 'true');
    assert.equal(value('ka.req.volume.hostpath[/var/run/docker.sock]', POD), 'true');
    assert.equal(value('ka.req.volume.hostpath[/var/run]', POD), 'false');
    assert.equal(value('ka.req.volume.hostpath[/]', createPod({ containers: [{ image: 'nginx' }] })), undefined);
  });

  it('read roles, bindings and services', () => {
    const role = createRole('ClusterRole', 'r', [{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get'] }, { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'delete'] }]);
    assert.deepEqual(value('ka.req.role.rules.verbs', role), ['get', 'create', 'delete']);
    assert.deepEqual(value('ka.req.role.rules.verbs[1]', role), ['create', 'delete']);
    assert.deepEqual(value('ka.req.role.rules.resources', role), ['pods', 'pods/exec', 'deployments']);
    assert.deepEqual(value('ka.req.role.rules.apiGroups', role), ['', 'apps']);
    assert.equal(value('ka.req.role.rules.nonResourceURLs', role), undefined);
    assert.deepEqual(value('ka.req.role.rules', role), [
      '{"apiGroups":[""],"resources":["pods","pods/exec"],"verbs":["get"]}', '{"apiGroups":["apps"],"resources":["deployments"],"verbs":["create","delete"]}',
    ]);
    const binding = createBinding('ClusterRoleBinding', 'cluster-admin', [
      { kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }, { kind: 'Group', name: 'ops' }, { kind: 'ServiceAccount', name: 'nons' },
    ]);
    assert.equal(value('ka.req.binding.role', binding), 'cluster-admin');
    assert.deepEqual(value('ka.req.binding.subjects.user_names', binding), ['alice']);
    assert.deepEqual(value('ka.req.binding.subjects.serviceaccount_names', binding), ['builder', 'nons']);
    assert.deepEqual(value('ka.req.binding.subjects.serviceaccount_ns_names', binding), ['ci:builder']);
    assert.deepEqual(value('ka.req.binding.subjects.group_names', binding), ['ops']);
    assert.equal(value('ka.req.binding.subject.has_name[cluster-admin]', binding), 'true');
    const svc = createService('NodePort');
    assert.equal(value('ka.req.service.type', svc), 'NodePort');
    // The ports as the plugin gives them: the list as one JSON text.
    assert.deepEqual(value('ka.req.service.ports', svc), ['[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}]']);
  });

  it('a JSON null reads as "null"; an empty list is no value', () => {
    const e = auditEvent({ verb: 'get', resource: 'pods', name: 'x', namespace: 'default' });
    (e.objectRef as JsonObject).subresource = null;
    (e.user as JsonObject).groups = [];
    assert.equal(value('ka.target.subresource', e), 'null');
    assert.equal(value('ka.user.groups', e), undefined);
    assert.ok(!holds('ka.user.groups exists', e));
  });
});

describe('json fields', () => {
  const e = auditEvent({ verb: 'get', resource: 'pods', name: 'x', namespace: 'default' });
  (e.annotations as JsonObject)['a/b~c'] = 'odd';

  it('json.value and jevt.value take a JSON pointer; strings as text, the rest as JSON', () => {
    assert.equal(value('jevt.value[/verb]', e), 'get');
    assert.equal(value('json.value[/objectRef/resource]', e), 'pods');
    assert.equal(value('jevt.value[/annotations/authorization.k8s.io~1decision]', e), 'allow');
    assert.equal(value('jevt.value[/annotations/a~1b~0c]', e), 'odd');
    assert.equal(value('jevt.value[/sourceIPs/0]', e), '192.168.49.1');
    assert.equal(value('jevt.value[/sourceIPs]', e), '["192.168.49.1"]');
    assert.equal(value('jevt.value[/responseStatus/code]', e), '200');
    assert.equal(value('jevt.value[/nope]', e), undefined);
    assert.equal(value('jevt.value[/sourceIPs/7]', e), undefined);
  });

  it('json.obj is the event indented; json.rawtime its time in ns; nothing for a payload that is not JSON', () => {
    assert.equal(value('jevt.obj', e), JSON.stringify(e, null, 2));
    assert.equal(value('json.rawtime', e), TS.toString());
    assert.equal(value('jevt.rawtime', 'not json'), undefined);
    assert.equal(value('ka.verb', '{"broken'), undefined);
  });
});

describe('the generic fields of k8s_audit events', () => {
  it('name the source and the plugin; the plugin info is the event', () => {
    const e = execPod();
    assert.equal(value('evt.source', e), 'k8s_audit');
    assert.equal(value('evt.pluginname', e), 'k8saudit');
    assert.equal(value('evt.plugininfo', e), JSON.stringify(e));
    assert.equal(value('evt.is_async', e), false);
    assert.equal(printed('%evt.rawtime', e), TS.toString());
    assert.deepEqual(k8sAuditClasses(false).map((c) => c.name), ['evt', 'k8saudit (plugin)']);
  });
});

describe('in outputs and conditions', () => {
  it('lists print as (a,b); a bracket argument is read in a format', () => {
    assert.equal(printed('*%ka.req.pod.containers.name %ka.uri.param[command]', execPod()), '<NA> sh');
    assert.equal(printed('images=%ka.req.pod.containers.image.repository!', POD), 'images=(registry.example.com,envoyproxy/envoy)!');
    assert.equal(printed('v=%jevt.value[/requestObject/spec/hostNetwork]', POD), 'v=true');
    assert.equal(printed('%ka.target.name/%ka.target.resource', POD), 'web/pods');
  });

  it('compare as the stock rules compare them', () => {
    assert.ok(holds('ka.req.pod.containers.privileged intersects (true)', POD));
    assert.ok(holds('ka.req.pod.host_network intersects (true)', POD));
    assert.ok(!holds('ka.req.pod.containers.image.repository in (envoyproxy/envoy)', POD));
    assert.ok(holds('ka.req.pod.containers.image.repository in (envoyproxy/envoy, registry.example.com)', POD));
    assert.ok(holds('ka.req.pod.volumes.hostpath intersects (/proc, /etc)', POD));
    assert.ok(holds('ka.response.code startswith 2', POD));
    assert.ok(holds('jevt.value[/stage] in (ResponseComplete)', POD));
    assert.ok(holds('jevt.rawtime exists and not jevt.rawtime=0', POD));
    assert.ok(!holds('ka.target.subresource exists', POD));
    // A list field with a single-value operator, as rules written before 2024 use them: true when one item is.
    assert.ok(holds('ka.req.pod.containers.image contains envoy', POD));
    assert.ok(!holds('ka.req.pod.containers.image contains nginx', POD));
  });

  it('arguments are checked as libsinsp checks plugin fields', () => {
    assert.throws(() => registry.bind('ka.req.pod.containers.image', 'x'), (e: unknown) => e instanceof FieldError && /not composed only by digits/.test(e.message));
    assert.throws(() => registry.bind('ka.req.pod.containers.image', '01'), /starting with 0/);
    assert.throws(() => registry.bind('ka.verb', 'x'), /takes no argument/);
    assert.throws(() => registry.bind('ka.uri.param', undefined), /requires an argument but none provided/);
    assert.throws(() => OutputFormat.parse(registry, '%jevt.value[/a'), /unbalanced argument brackets/);
    assert.throws(() => compileCondition(parseCondition('ka.nope = 1'), registry), FilterCompileError);
    assert.throws(() => compileCondition(parseCondition('ka.user.groups = x'), createK8sAuditRegistryStrict()), /'=' operator not supported list filters/);
  });
});

/** The same fields without the leniency for single-value operators on lists (as the syscall source has it). */
function createK8sAuditRegistryStrict() {
  return { ...createK8sAuditRegistry(true), anyItemOperators: false, bind: registry.bind.bind(registry), match: registry.match.bind(registry), defs: registry.defs };
}
