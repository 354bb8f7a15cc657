// Kubernetes audit events for the tests, written from the audit API (audit.k8s.io/v1 Event) as
// kube-apiserver sends them: kind, apiVersion, level, auditID, stage, requestURI, verb, user,
// sourceIPs, userAgent, objectRef, responseStatus, requestObject, responseObject, the two
// timestamps and the authorizer's annotations. `auditEvent` builds one from the parts a case
// cares about; RULE_CASES gives, for every rule of the k8saudit plugin's k8s_audit_rules.yaml, an
// event that fires it and a near miss (the same request, one detail changed) that does not.

export type JsonObject = { [key: string]: unknown };

export interface EventParts {
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly user?: string;
  readonly groups?: readonly string[];
  readonly stage?: 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';
  readonly code?: number;
  readonly requestObject?: JsonObject;
  readonly responseObject?: JsonObject;
  readonly uri?: string;
  readonly decision?: 'allow' | 'forbid';
  readonly reason?: string;
  readonly apiGroup?: string;
  /** The event's time (stageTimestamp); the request was received 5 ms earlier. */
  readonly time?: Date;
  readonly auditID?: string;
}

const API_VERSIONS: Readonly<Record<string, { group: string; version: string }>> = {
  pods: { group: '', version: 'v1' },
  services: { group: '', version: 'v1' },
  configmaps: { group: '', version: 'v1' },
  secrets: { group: '', version: 'v1' },
  namespaces: { group: '', version: 'v1' },
  serviceaccounts: { group: '', version: 'v1' },
  nodes: { group: '', version: 'v1' },
  deployments: { group: 'apps', version: 'v1' },
  roles: { group: 'rbac.authorization.k8s.io', version: 'v1' },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1' },
  rolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1' },
  clusterrolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1' },
  ingresses: { group: 'networking.k8s.io', version: 'v1' },
};

let counter = 0;

/** A UUID-shaped audit id, distinct per event built. */
function nextAuditId(): string {
  counter++;
  const hex = counter.toString(16).padStart(12, '0');
  return `5a0c7e3e-1b2f-4c6d-9e8f-${hex}`;
}

/** The request URI kubectl sends for this request. */
function requestUri(p: EventParts): string {
  const api = API_VERSIONS[p.resource] ?? { group: '', version: 'v1' };
  const base = api.group === '' ? `/api/${api.version}` : `/apis/${api.group}/${api.version}`;
  const ns = p.namespace !== undefined ? `/namespaces/${p.namespace}` : '';
  const named = p.verb === 'create' && p.subresource === undefined ? '' : p.name !== undefined ? `/${p.name}` : '';
  const sub = p.subresource !== undefined ? `/${p.subresource}` : '';
  return `${base}${ns}/${p.resource}${named}${sub}`;
}

const STATUS_REASONS: Readonly<Partial<Record<number, string>>> = { 403: 'Forbidden', 404: 'NotFound', 409: 'AlreadyExists', 422: 'Invalid' };

/** An audit.k8s.io/v1 Event at level RequestResponse. */
export function auditEvent(p: EventParts): JsonObject {
  const time = p.time ?? new Date(Date.UTC(2024, 4, 1, 10, 0, 0));
  const received = new Date(time.getTime() - 5);
  const api = API_VERSIONS[p.resource] ?? { group: '', version: 'v1' };
  const code = p.code ?? (p.verb === 'create' ? 201 : 200);
  const user = p.user ?? 'kubernetes-admin';
  const objectRef: JsonObject = {
    resource: p.resource,
    ...(p.namespace !== undefined && { namespace: p.namespace }),
    ...(p.name !== undefined && { name: p.name }),
    ...(api.group !== '' && { apiGroup: api.group }),
    apiVersion: api.version,
    ...(p.subresource !== undefined && { subresource: p.subresource }),
  };
  const responseStatus: JsonObject = code < 300
    ? { metadata: {}, code }
    : { metadata: {}, status: 'Failure', message: `${p.resource} "${p.name ?? ''}" ${STATUS_REASONS[code]?.toLowerCase() ?? 'failed'}`, reason: STATUS_REASONS[code] ?? 'Unknown', code };
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: p.auditID ?? nextAuditId(),
    stage: p.stage ?? 'ResponseComplete',
    requestURI: p.uri ?? requestUri(p),
    verb: p.verb,
    user: { username: user, uid: user === 'system:anonymous' ? '' : 'b8f9e2a4-6c1d-4e0f-8a3b-2d7c5e9f1a06', groups: p.groups ?? defaultGroups(user) },
    sourceIPs: ['192.168.49.1'],
    userAgent: 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
    objectRef,
    responseStatus,
    ...(p.requestObject !== undefined && { requestObject: p.requestObject }),
    ...(p.responseObject !== undefined && { responseObject: p.responseObject }),
    requestReceivedTimestamp: received.toISOString().replace('Z', '000Z'),
    stageTimestamp: time.toISOString().replace('Z', '123Z'),
    annotations: {
      'authorization.k8s.io/decision': p.decision ?? (code === 403 ? 'forbid' : 'allow'),
      'authorization.k8s.io/reason': p.reason ?? (code === 403 ? '' : 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"'),
    },
  };
}

function defaultGroups(user: string): string[] {
  if (user === 'system:anonymous') return ['system:unauthenticated'];
  if (user.startsWith('system:serviceaccount:')) return ['system:serviceaccounts', `system:serviceaccounts:${user.split(':')[2]}`, 'system:authenticated'];
  return ['kubeadm:cluster-admins', 'system:authenticated'];
}

// -- objects ------------------------------------------------------------------------------------

export interface ContainerParts {
  readonly name?: string;
  readonly image: string;
  readonly privileged?: boolean;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly JsonObject[];
  readonly securityContext?: JsonObject;
}

function container(c: ContainerParts): JsonObject {
  const sc: JsonObject = { ...(c.privileged !== undefined && { privileged: c.privileged }), ...c.securityContext };
  return {
    name: c.name ?? c.image.split('/').pop()!.split(':')[0],
    image: c.image,
    ...(c.command !== undefined && { command: c.command }),
    ...(c.args !== undefined && { args: c.args }),
    ...(c.ports !== undefined && { ports: c.ports }),
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
    ...(Object.keys(sc).length > 0 && { securityContext: sc }),
  };
}

export interface PodParts {
  readonly name?: string;
  readonly namespace?: string;
  readonly containers: readonly ContainerParts[];
  readonly initContainers?: readonly ContainerParts[];
  readonly ephemeralContainers?: readonly ContainerParts[];
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly hostPaths?: readonly string[];
  readonly securityContext?: JsonObject;
}

export function podSpec(p: PodParts): JsonObject {
  const volumes = (p.hostPaths ?? []).map((path, i) => ({ name: `host-${i}`, hostPath: { path, type: '' } }));
  return {
    ...(volumes.length > 0 && { volumes }),
    containers: p.containers.map(container),
    ...(p.initContainers !== undefined && { initContainers: p.initContainers.map(container) }),
    ...(p.ephemeralContainers !== undefined && { ephemeralContainers: p.ephemeralContainers.map(container) }),
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    ...(p.hostNetwork !== undefined && { hostNetwork: p.hostNetwork }),
    ...(p.hostPID !== undefined && { hostPID: p.hostPID }),
    ...(p.hostIPC !== undefined && { hostIPC: p.hostIPC }),
    securityContext: p.securityContext ?? {},
    schedulerName: 'default-scheduler',
  };
}

/** `kubectl run`/`apply` of a pod: the create request with its pod and the created pod. */
export function createPod(p: PodParts, extra: Partial<EventParts> = {}): JsonObject {
  const name = p.name ?? 'web';
  const namespace = p.namespace ?? 'default';
  const metadata = { name, namespace, labels: { run: name } };
  return auditEvent({
    verb: 'create', resource: 'pods', namespace, name,
    requestObject: { kind: 'Pod', apiVersion: 'v1', metadata, spec: podSpec(p), status: {} },
    responseObject: { kind: 'Pod', apiVersion: 'v1', metadata: { ...metadata, uid: '7d1f2c3b-0a9e-4f8d-b6c5-e4d3a2b1c0f9', resourceVersion: '4242' }, spec: podSpec(p), status: { phase: 'Pending', qosClass: 'BestEffort' } },
    ...extra,
  });
}

export function createService(type: string, extra: Partial<EventParts> = {}): JsonObject {
  const metadata = { name: 'web', namespace: 'default' };
  const spec = { type, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, ...(type === 'NodePort' && { nodePort: 30080 }) }], selector: { run: 'web' } };
  return auditEvent({
    verb: 'create', resource: 'services', namespace: 'default', name: 'web',
    requestObject: { kind: 'Service', apiVersion: 'v1', metadata, spec },
    responseObject: { kind: 'Service', apiVersion: 'v1', metadata, spec: { ...spec, clusterIP: '10.96.12.34' } },
    ...extra,
  });
}

export function configMap(verb: string, data: Record<string, string>, extra: Partial<EventParts> = {}): JsonObject {
  const metadata = { name: 'app-config', namespace: 'default' };
  return auditEvent({
    verb, resource: 'configmaps', namespace: 'default', name: 'app-config',
    requestObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata, data },
    responseObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata, data },
    ...extra,
  });
}

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export function createRole(kind: 'Role' | 'ClusterRole', name: string, rules: readonly PolicyRule[], extra: Partial<EventParts> = {}): JsonObject {
  const namespaced = kind === 'Role';
  const metadata = { name, ...(namespaced && { namespace: 'default' }) };
  const body = { kind, apiVersion: 'rbac.authorization.k8s.io/v1', metadata, rules };
  return auditEvent({
    verb: 'create', resource: namespaced ? 'roles' : 'clusterroles', ...(namespaced && { namespace: 'default' }), name,
    requestObject: body, responseObject: body, ...extra,
  });
}

export function createBinding(kind: 'RoleBinding' | 'ClusterRoleBinding', role: string, subjects: readonly JsonObject[], extra: Partial<EventParts> = {}): JsonObject {
  const namespaced = kind === 'RoleBinding';
  const name = `${role}-binding`;
  const metadata = { name, ...(namespaced && { namespace: 'default' }) };
  const body = {
    kind, apiVersion: 'rbac.authorization.k8s.io/v1', metadata, subjects,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: namespaced ? 'Role' : 'ClusterRole', name: role },
  };
  return auditEvent({
    verb: 'create', resource: namespaced ? 'rolebindings' : 'clusterrolebindings', ...(namespaced && { namespace: 'default' }), name,
    requestObject: body, responseObject: body, ...extra,
  });
}

/** A request with no body of interest (a delete, a get, a create whose object no rule reads). */
export function simple(verb: string, resource: string, name: string, extra: Partial<EventParts> = {}): JsonObject {
  const namespaced = !['namespaces', 'clusterroles', 'clusterrolebindings', 'nodes'].includes(resource);
  return auditEvent({ verb, resource, ...(namespaced && { namespace: 'default' }), name, ...extra });
}

export function createNamespace(name: string, extra: Partial<EventParts> = {}): JsonObject {
  const body = { kind: 'Namespace', apiVersion: 'v1', metadata: { name } };
  return auditEvent({ verb: 'create', resource: 'namespaces', name, requestObject: body, responseObject: { ...body, status: { phase: 'Active' } }, ...extra });
}

export function createIngress(tls: boolean, extra: Partial<EventParts> = {}): JsonObject {
  const body = {
    kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', metadata: { name: 'web', namespace: 'default' },
    spec: {
      ...(tls && { tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }] }),
      rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
  };
  return auditEvent({ verb: 'create', resource: 'ingresses', namespace: 'default', name: 'web', requestObject: body, responseObject: body, ...extra });
}

/** `kubectl exec web -- sh -c id` as kube-apiserver audits it when the stream starts. */
export function execPod(extra: Partial<EventParts> = {}): JsonObject {
  return auditEvent({
    verb: 'create', resource: 'pods', namespace: 'default', name: 'web', subresource: 'exec', stage: 'ResponseStarted', code: 101,
    uri: '/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=id&container=web&stdin=true&stdout=true&tty=true',
    ...extra,
  });
}

export function createNode(code: number): JsonObject {
  const body = { kind: 'Node', apiVersion: 'v1', metadata: { name: 'worker-3', labels: { 'kubernetes.io/hostname': 'worker-3' } } };
  return auditEvent({
    verb: 'create', resource: 'nodes', name: 'worker-3', user: 'system:node:worker-3', groups: ['system:nodes', 'system:authenticated'], code,
    requestObject: body, ...(code < 300 && { responseObject: body }),
  });
}

// -- one event per rule, and its near miss ------------------------------------------------------

export interface RuleCase {
  readonly rule: string;
  readonly fire: JsonObject;
  readonly miss: JsonObject;
  /**
   * A rule the stock file keeps from firing (a macro that is always true or false, to be overridden
   * by the user): the override that makes it fire, as a rules file.
   */
  readonly override?: string;
}

const NGINX: ContainerParts = { image: 'nginx:1.25.4' };
/** A rules file redefining a macro (a later definition replaces the earlier one, as users tune the stock rules). */
const macro = (name: string, condition: string) => `- macro: ${name}\n  condition: ${condition}\n`;

export const RULE_CASES: readonly RuleCase[] = [
  {
    rule: 'Disallowed K8s User',
    fire: createNamespace('team-a', { user: 'mallory' }),
    miss: createNamespace('team-a', { user: 'kubernetes-admin' }),
  },
  {
    rule: 'Create Disallowed Pod',
    fire: createPod({ containers: [NGINX] }),
    miss: createPod({ containers: [{ image: 'registry.example.com/approved/web:2.1' }] }),
    override: macro('allowed_k8s_containers', '(ka.req.pod.containers.image.repository in (registry.example.com/approved/web))'),
  },
  {
    rule: 'Create Privileged Pod',
    fire: createPod({ containers: [{ ...NGINX, privileged: true }] }),
    miss: createPod({ containers: [{ image: 'docker.io/falcosecurity/falco:0.37.1', privileged: true }] }),
  },
  {
    rule: 'Create Sensitive Mount Pod',
    fire: createPod({ containers: [NGINX], hostPaths: ['/etc'] }),
    miss: createPod({ containers: [NGINX], hostPaths: ['/etc/app-config'] }),
  },
  {
    rule: 'Create HostNetwork Pod',
    fire: createPod({ containers: [NGINX], hostNetwork: true }),
    miss: createPod({ containers: [NGINX], hostNetwork: false }),
  },
  {
    rule: 'Create HostPid Pod',
    fire: createPod({ containers: [NGINX], hostPID: true }),
    miss: createPod({ containers: [NGINX], hostIPC: true }),
  },
  {
    rule: 'Create HostIPC Pod',
    fire: createPod({ containers: [NGINX], hostIPC: true }),
    miss: createPod({ containers: [NGINX], hostPID: true }),
  },
  {
    rule: 'Create NodePort Service',
    fire: createService('NodePort'),
    miss: createService('ClusterIP'),
  },
  {
    rule: 'Create/Modify Configmap With Private Credentials',
    fire: configMap('update', { 'db.properties': 'user=app\npassword=hunter2\n' }),
    miss: configMap('update', { 'db.properties': 'user=app\npool=10\n' }),
  },
  {
    rule: 'Anonymous Request Allowed',
    fire: auditEvent({ verb: 'get', resource: 'namespaces', uri: '/api/v1/namespaces', user: 'system:anonymous', reason: 'RBAC: allowed by ClusterRoleBinding "anon" of ClusterRole "view" to User "system:anonymous"' }),
    miss: auditEvent({ verb: 'get', resource: 'namespaces', uri: '/healthz?verbose=1', user: 'system:anonymous', reason: 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer"' }),
  },
  {
    rule: 'Attach/Exec Pod',
    fire: execPod(),
    miss: execPod({ subresource: 'log', uri: '/api/v1/namespaces/default/pods/web/log?container=web', verb: 'get', code: 200 }),
  },
  {
    rule: 'port-forward',
    fire: auditEvent({ verb: 'create', resource: 'pods', namespace: 'default', name: 'web', subresource: 'portforward', stage: 'ResponseStarted', code: 101 }),
    miss: auditEvent({ verb: 'get', resource: 'pods', namespace: 'default', name: 'web', subresource: 'proxy' }),
  },
  {
    rule: 'EphemeralContainers Created',
    fire: auditEvent({
      verb: 'patch', resource: 'pods', namespace: 'default', name: 'web', subresource: 'ephemeralcontainers',
      requestObject: { ephemeralContainers: [{ name: 'debugger-x7k2q', image: 'busybox:1.36', targetContainerName: 'web', stdin: true, tty: true }] },
    }),
    miss: auditEvent({ verb: 'get', resource: 'pods', namespace: 'default', name: 'web', subresource: 'ephemeralcontainers' }),
  },
  {
    rule: 'Create Disallowed Namespace',
    fire: createNamespace('crypto-miner'),
    miss: createNamespace('kube-public'),
  },
  {
    rule: 'Pod Created in Kube Namespace',
    fire: createPod({ namespace: 'kube-system', containers: [NGINX] }),
    miss: createPod({ namespace: 'kube-system', containers: [{ image: 'registry.k8s.io/kube-apiserver:v1.29.2' }] }),
  },
  {
    rule: 'Service Account Created in Kube Namespace',
    fire: simple('create', 'serviceaccounts', 'backdoor', { namespace: 'kube-system' }),
    miss: simple('create', 'serviceaccounts', 'coredns', { namespace: 'kube-system' }),
  },
  {
    rule: 'System ClusterRole Modified/Deleted',
    fire: simple('patch', 'clusterroles', 'system:node'),
    miss: simple('patch', 'clusterroles', 'system:coredns'),
  },
  {
    rule: 'Attach to cluster-admin Role',
    fire: createBinding('ClusterRoleBinding', 'cluster-admin', [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'mallory' }]),
    miss: createBinding('ClusterRoleBinding', 'view', [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'mallory' }]),
  },
  {
    rule: 'ClusterRole With Wildcard Created',
    fire: createRole('ClusterRole', 'everything', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]),
    miss: createRole('ClusterRole', 'pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
  },
  {
    rule: 'ClusterRole With Write Privileges Created',
    fire: createRole('ClusterRole', 'pod-writer', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'update'] }]),
    miss: createRole('ClusterRole', 'pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]),
  },
  {
    rule: 'ClusterRole With Pod Exec Created',
    fire: createRole('Role', 'pod-exec', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }]),
    miss: createRole('Role', 'pod-logs', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]),
  },
  {
    rule: 'K8s Deployment Created',
    fire: simple('create', 'deployments', 'web'),
    miss: simple('create', 'deployments', 'web', { code: 409 }),
  },
  {
    rule: 'K8s Deployment Deleted',
    fire: simple('delete', 'deployments', 'web'),
    miss: simple('delete', 'deployments', 'web', { code: 404 }),
  },
  { rule: 'K8s Service Created', fire: createService('ClusterIP'), miss: createService('ClusterIP', { code: 422 }) },
  { rule: 'K8s Service Deleted', fire: simple('delete', 'services', 'web'), miss: simple('delete', 'services', 'web', { code: 403 }) },
  { rule: 'K8s ConfigMap Created', fire: configMap('create', { mode: 'prod' }), miss: configMap('create', { mode: 'prod' }, { code: 409 }) },
  { rule: 'K8s ConfigMap Deleted', fire: simple('delete', 'configmaps', 'app-config'), miss: simple('get', 'configmaps', 'app-config') },
  { rule: 'K8s Namespace Created', fire: createNamespace('team-a'), miss: createNamespace('team-a', { code: 409 }) },
  {
    rule: 'K8s Namespace Deleted',
    fire: simple('delete', 'namespaces', 'team-a'),
    miss: simple('delete', 'namespaces', 'team-a', { user: 'system:serviceaccount:kube-system:namespace-controller' }),
  },
  { rule: 'K8s Serviceaccount Created', fire: simple('create', 'serviceaccounts', 'builder'), miss: simple('create', 'serviceaccounts', 'builder', { stage: 'RequestReceived' }) },
  { rule: 'K8s Serviceaccount Deleted', fire: simple('delete', 'serviceaccounts', 'builder'), miss: simple('delete', 'serviceaccounts', 'builder', { code: 404 }) },
  {
    rule: 'K8s Role Created',
    fire: createRole('Role', 'pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
    miss: createRole('Role', 'pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], { code: 403 }),
  },
  { rule: 'K8s Role Deleted', fire: simple('delete', 'roles', 'pod-reader'), miss: simple('delete', 'rolebindings', 'pod-reader') },
  {
    rule: 'K8s ClusterRole Created',
    fire: createRole('ClusterRole', 'pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
    miss: createRole('Role', 'pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
  },
  { rule: 'K8s ClusterRole Deleted', fire: simple('delete', 'clusterroles', 'pod-reader'), miss: simple('delete', 'clusterroles', 'pod-reader', { code: 404 }) },
  {
    rule: 'K8s RoleBinding Created',
    fire: createBinding('RoleBinding', 'pod-reader', [{ kind: 'ServiceAccount', name: 'builder', namespace: 'default' }]),
    miss: createBinding('RoleBinding', 'pod-reader', [{ kind: 'ServiceAccount', name: 'builder', namespace: 'default' }], { stage: 'ResponseStarted' }),
  },
  { rule: 'K8s RoleBinding Deleted', fire: simple('delete', 'rolebindings', 'pod-reader-binding'), miss: simple('delete', 'rolebindings', 'pod-reader-binding', { code: 403 }) },
  {
    rule: 'K8s ClusterRoleBinding Created',
    fire: createBinding('ClusterRoleBinding', 'view', [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'auditors' }]),
    miss: createBinding('RoleBinding', 'view', [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'auditors' }]),
  },
  {
    rule: 'K8s ClusterRoleBinding Deleted',
    fire: simple('delete', 'clusterrolebindings', 'view-binding'),
    miss: simple('delete', 'clusterrolebindings', 'view-binding', { code: 404 }),
  },
  {
    rule: 'K8s Secret Created',
    fire: simple('create', 'secrets', 'db-password'),
    miss: simple('create', 'secrets', 'db-password', { namespace: 'kube-system' }),
  },
  {
    rule: 'K8s Secret Deleted',
    fire: simple('delete', 'secrets', 'db-password'),
    miss: simple('delete', 'secrets', 'db-password', { user: 'system:serviceaccount:kube-system:generic-garbage-collector' }),
  },
  { rule: 'K8s Secret Get Successfully', fire: simple('get', 'secrets', 'db-password'), miss: simple('get', 'secrets', 'db-password', { code: 403 }) },
  { rule: 'K8s Secret Get Unsuccessfully Tried', fire: simple('get', 'secrets', 'db-password', { code: 403 }), miss: simple('get', 'secrets', 'db-password') },
  {
    rule: 'All K8s Audit Events',
    fire: simple('list', 'pods', 'web'),
    miss: simple('list', 'pods', 'web', { stage: 'ResponseStarted' }),
    override: macro('consider_all_events', '(jevt.rawtime exists)'),
  },
  {
    rule: 'Full K8s Administrative Access',
    fire: simple('list', 'pods', 'web', { user: 'kubernetes-admin@kubernetes' }),
    miss: simple('list', 'pods', 'web', { user: 'alice' }),
    override: macro('allowed_full_admin_users', '(k8s_audit_never_true)'),
  },
  { rule: 'Ingress Object without TLS Certificate Created', fire: createIngress(false), miss: createIngress(true) },
  {
    rule: 'Untrusted Node Successfully Joined the Cluster',
    fire: createNode(201),
    miss: createNode(403),
    override: macro('allow_all_k8s_nodes', '(k8s_audit_never_true)'),
  },
  {
    rule: 'Untrusted Node Unsuccessfully Tried to Join the Cluster',
    fire: createNode(403),
    miss: createNode(201),
    override: macro('allow_all_k8s_nodes', '(k8s_audit_never_true)'),
  },
];
