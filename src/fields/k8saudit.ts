// The fields of Falco's k8saudit plugin (0.18.0): every ka.* field over a Kubernetes audit event
// (audit.k8s.io/v1 Event) carried as a plugin event. Each reads the event's JSON (parsed once per
// event, json.ts) as the plugin's extract.go does: an event without auditID has no ka.* value; a
// value that is not a string reads as its compact JSON text; a list that comes out empty is no
// value. Where the plugin reads a path through arrays (the containers of a pod, the rules of a
// role, the volumes), one value is collected per array item, or only the item an index argument
// names (ka.req.pod.containers.image[0]).
//
// Three fields follow their documentation rather than the plugin's code, which reads places no
// Kubernetes object has: ka.sourceips (the event's sourceIPs; the plugin looks in the request's
// role rules), eff_run_as_user/eff_run_as_group (the pod's and the container's securityContext;
// the plugin looks beside them) and add_capabilities (each added capability; the plugin gives
// each container's list as one JSON text).
import type { Event } from '../capture/event.js';
import { pluginIdOf } from '../capture/plugin-event.js';
import { isJsonArray, isJsonObject, jsonChild, jsonGet, jsonText, eventJson, type Json } from './json.js';
import { pluginField, type PluginFieldDef, type PluginValue } from './plugin-fields.js';
import type { ArgValue, FieldClass, FieldSpec } from './spec.js';

/** The k8saudit plugin's id: the first field of its plugin events. */
export const K8SAUDIT_PLUGIN_ID = 1;

/** A value the plugin could not read: the field has no value for this event. */
class Unavailable extends Error {}
const UNAVAILABLE = new Unavailable();

/** The event's JSON when it is a k8saudit event (it has an auditID); undefined otherwise. */
function auditEvent(evt: Event): Json | undefined {
  if (pluginIdOf(evt) !== K8SAUDIT_PLUGIN_ID) return undefined;
  const v = eventJson(evt);
  return jsonChild(v, 'auditID') === undefined ? undefined : v;
}

/** An index argument, or undefined for none (a key argument is no index, as in the plugin). */
function indexOf(arg: ArgValue): number | undefined {
  return typeof arg === 'number' ? arg : undefined;
}

/**
 * The plugin's getValuesRecursive: follows `keys` from `v`; where the value is an array, the rest
 * of the path is followed from each item (undefined for an item where it leads nowhere), or from
 * the item `index` names. An empty key stays on the value. Throws UNAVAILABLE when the path leads
 * nowhere (outside an array).
 */
function valuesAlong(v: Json, index: number | undefined, keys: readonly string[]): (Json | undefined)[] {
  let cur: Json | undefined = v;
  for (let i = 0; i < keys.length; i++) {
    if (isJsonArray(cur)) {
      if (index === undefined) {
        const out: (Json | undefined)[] = [];
        for (const item of cur) {
          try {
            out.push(...valuesAlong(item, index, keys.slice(i)));
          } catch (e) {
            if (e !== UNAVAILABLE) throw e;
            out.push(undefined);
          }
        }
        return out;
      }
      if (index >= cur.length) throw UNAVAILABLE;
      cur = cur[index];
    }
    const key = keys[i];
    if (key !== '') cur = jsonChild(cur, key);
    if (cur === undefined) throw UNAVAILABLE;
  }
  return [cur];
}

/** Each value as text, values that are missing left out. */
function textsSkippingMissing(values: readonly (Json | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v === undefined) continue;
    const t = jsonText(v);
    if (t !== undefined) out.push(t);
  }
  return out;
}

/** Each value as text; a missing one makes the whole unavailable. */
function textsAll(values: readonly (Json | undefined)[]): string[] {
  return values.map((v) => {
    const t = v === undefined ? undefined : jsonText(v);
    if (t === undefined) throw UNAVAILABLE;
    return t;
  });
}

/** The plugin's extractFromKeys for a single value. */
function scalarAt(v: Json, keys: readonly string[]): PluginValue {
  const x = jsonGet(v, ...keys);
  return x === undefined ? undefined : jsonText(x);
}

/** The plugin's extractFromKeys for a list: the value must be an array, each item as text. */
function listAt(v: Json, keys: readonly string[]): PluginValue {
  const x = jsonGet(v, ...keys);
  if (!isJsonArray(x)) return undefined;
  return textsAll(x);
}

type Read = (v: Json, arg: ArgValue) => PluginValue;

/** A ka.* field: `read` gets the audit event's JSON; nothing for events that are not audit events. */
function ka(def: PluginFieldDef, read: Read): FieldSpec {
  return pluginField(def, (evt, arg) => {
    const v = auditEvent(evt);
    if (v === undefined) return undefined;
    try {
      return read(v, arg);
    } catch (e) {
      // Unavailable, or a value too deep to write out: no value, as an extraction error gives none.
      if (e instanceof Unavailable || e instanceof RangeError) return undefined;
      throw e;
    }
  });
}

const scalar = (name: string, desc: string, ...keys: string[]): FieldSpec => ka({ name, desc }, (v) => scalarAt(v, keys));
const list = (name: string, desc: string, ...keys: string[]): FieldSpec => ka({ name, desc, list: true }, (v) => listAt(v, keys));
const indexedList = (name: string, desc: string, read: Read): FieldSpec => ka({ name, desc, list: true, arg: 'index' }, read);

// -- pods' containers ----------------------------------------------------------------------------

type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

function containerValues(v: Json, which: ContainerList, index: number | undefined, ...keys: string[]): (Json | undefined)[] {
  return valuesAlong(v, index, ['requestObject', 'spec', which, ...keys]);
}

/** command or args: each container's list of words joined by spaces; containers without one are left out. */
function containerWords(v: Json, which: ContainerList, index: number | undefined, key: string): PluginValue {
  const out: string[] = [];
  for (const words of containerValues(v, which, index, key)) {
    if (words === undefined) continue;
    if (!isJsonArray(words) || words.some((w) => typeof w !== 'string')) return undefined;
    out.push((words as readonly string[]).join(' '));
  }
  return out.length === 0 ? undefined : out;
}

function containerImages(v: Json, which: ContainerList, index: number | undefined): string[] {
  return textsAll(containerValues(v, which, index, 'image'));
}

/** An image's repository as the plugin cuts it: before the first ':' then before the first '@'. */
function repositoryOf(image: string): string {
  return image.split(':')[0].split('@')[0];
}

function hostPorts(v: Json, which: ContainerList, index: number | undefined): PluginValue {
  const out: string[] = [];
  for (const ports of containerValues(v, which, index, 'ports')) {
    if (ports === undefined) continue;
    if (!isJsonArray(ports)) return undefined;
    for (const port of ports) {
      // Without a hostPort, the containerPort (with hostNetwork, that is the host's port).
      const p = jsonChild(port, 'hostPort') ?? jsonChild(port, 'containerPort');
      if (p === undefined) continue;
      const t = jsonText(p);
      if (t === undefined) return undefined;
      out.push(t);
    }
  }
  return out;
}

/**
 * The id a container starts with: its own securityContext's, else the pod's securityContext's,
 * else 0 (eff_run_as_user, eff_run_as_group).
 */
function effectiveIds(v: Json, which: ContainerList, index: number | undefined, key: 'runAsUser' | 'runAsGroup'): PluginValue {
  const podValue = jsonGet(v, 'requestObject', 'spec', 'securityContext', key);
  const podId = podValue === undefined ? '0' : jsonText(podValue);
  if (podId === undefined) return undefined;
  const containers = containerValues(v, which, index, 'securityContext');
  return containers.map((sc) => {
    const own = jsonChild(sc, key);
    return own === undefined ? podId : (jsonText(own) ?? podId);
  });
}

function addedCapabilities(v: Json, which: ContainerList, index: number | undefined): PluginValue {
  const out: string[] = [];
  for (const added of containerValues(v, which, index, 'securityContext', 'capabilities', 'add')) {
    if (added === undefined) continue;
    if (isJsonArray(added)) out.push(...textsSkippingMissing(added));
    else out.push(...textsSkippingMissing([added]));
  }
  return out;
}

type ContainerRead = (v: Json, which: ContainerList, index: number | undefined) => PluginValue;

const securityContext = (key: string): ContainerRead => (v, which, i) => textsSkippingMissing(containerValues(v, which, i, 'securityContext', key));

/** How each per-container field reads a container list. */
const CONTAINER_READS: Readonly<Record<string, ContainerRead>> = {
  args: (v, which, i) => containerWords(v, which, i, 'args'),
  command: (v, which, i) => containerWords(v, which, i, 'command'),
  name: (v, which, i) => textsAll(containerValues(v, which, i, 'name')),
  image: containerImages,
  'image.repository': (v, which, i) => containerImages(v, which, i).map(repositoryOf),
  host_port: hostPorts,
  privileged: securityContext('privileged'),
  allow_privilege_escalation: securityContext('allowPrivilegeEscalation'),
  read_only_fs: securityContext('readOnlyRootFilesystem'),
  run_as_user: securityContext('runAsUser'),
  eff_run_as_user: (v, which, i) => effectiveIds(v, which, i, 'runAsUser'),
  run_as_group: securityContext('runAsGroup'),
  eff_run_as_group: (v, which, i) => effectiveIds(v, which, i, 'runAsGroup'),
  proc_mount: securityContext('procMount'),
  add_capabilities: addedCapabilities,
};

/** ka.req.pod.WHICH.NAME, with an optional index argument naming one container. */
function containerField(which: ContainerList, name: string, desc: string): FieldSpec {
  const read = CONTAINER_READS[name];
  return indexedList(`ka.req.pod.${which}.${name}`, desc, (v, arg) => read(v, which, indexOf(arg)));
}

/** The per-container fields of the init or ephemeral containers, in the plugin's order (ephemeral containers have no ports). */
function otherContainerFields(which: 'initContainers' | 'ephemeralContainers', label: string): FieldSpec[] {
  const prefix = `ka.req.pod.${which}.`;
  const pod = (what: string) => `When the request object refers to a pod, ${what}`;
  const fields: [string, string][] = [
    ['name', pod(`the ${label} names.`)],
    ['image', pod(`the ${label} images.`)],
    ['image.repository', `The same as ${prefix}image, but only the repository part (e.g. falcosecurity/falco).`],
    ['command', pod(`the ${label} commands.`)],
    ['args', pod(`the ${label} args.`)],
    ['privileged', pod(`the value of the privileged flag for all ${label}.`)],
    ['allow_privilege_escalation', pod(`the value of the allowPrivilegeEscalation flag for all ${label}.`)],
    ['read_only_fs', pod(`the value of the readOnlyRootFilesystem flag for all ${label}.`)],
    ['run_as_user', pod(`the runAsUser uid for all ${label}.`)],
    ['eff_run_as_user', pod(`the initial uid that will be used for all ${label}. This combines information from both the pod and container security contexts and uses 0 if no uid is specified.`)],
    ['run_as_group', pod(`the runAsGroup gid for all ${label}.`)],
    ['eff_run_as_group', pod(`the initial gid that will be used for all ${label}. This combines information from both the pod and container security contexts and uses 0 if no gid is specified.`)],
    ['proc_mount', pod(`the procMount type for all ${label}.`)],
    ['add_capabilities', pod(`the capabilities added for all ${label}.`)],
  ];
  if (which === 'initContainers') fields.push(['host_port', pod(`all ${label} hostPort values.`)]);
  return fields.map(([name, desc]) => containerField(which, name, desc));
}

// -- role rules, bindings, volumes ---------------------------------------------------------------

/** A field of each rule of a role (apiGroups, verbs...): every rule's list, flattened. */
function rulesField(key: string) {
  return (v: Json, arg: ArgValue): PluginValue => {
    const out: string[] = [];
    for (const x of valuesAlong(v, indexOf(arg), ['requestObject', 'rules', key])) {
      if (isJsonArray(x)) out.push(...textsSkippingMissing(x));
    }
    return out;
  };
}

/** The names of a binding's subjects of one kind; a ServiceAccount's as namespace:name with `namespaced`. */
function subjectNames(kind: string, namespaced = false) {
  return (v: Json): PluginValue => {
    const subjects = jsonGet(v, 'requestObject', 'subjects');
    if (subjects === undefined) return undefined;
    if (!isJsonArray(subjects)) return undefined;
    const out: string[] = [];
    for (const s of subjects) {
      const k = jsonChild(s, 'kind');
      const n = jsonChild(s, 'name');
      if (k === undefined || n === undefined || jsonText(k) !== kind) continue;
      const name = jsonText(n);
      if (name === undefined) continue;
      if (!namespaced) {
        out.push(name);
        continue;
      }
      const ns = jsonChild(s, 'namespace');
      const nsText = ns === undefined ? undefined : jsonText(ns);
      if (nsText !== undefined) out.push(`${nsText}:${name}`);
    }
    return out;
  };
}

function volumesAlong(v: Json, arg: ArgValue, ...keys: string[]): string[] {
  return textsSkippingMissing(valuesAlong(v, indexOf(arg), ['requestObject', 'spec', 'volumes', ...keys]));
}

/** ka.req.volume.hostpath[PATH]: "true" when a volume mounts PATH from the host (PATH* for a prefix). */
function hostPathUsed(v: Json, arg: ArgValue): PluginValue {
  const want = String(arg);
  const paths = volumesAlong(v, undefined, 'hostPath', 'path');
  const prefix = want.endsWith('*') ? want.slice(0, -1) : undefined;
  return paths.some((p) => (prefix !== undefined && p.startsWith(prefix)) || p === want) ? 'true' : 'false';
}

/** The kinds of the volumes (each volume's keys but its name). */
function volumeTypes(v: Json, arg: ArgValue): PluginValue {
  const out: string[] = [];
  for (const vol of valuesAlong(v, indexOf(arg), ['requestObject', 'spec', 'volumes', ''])) {
    if (isJsonObject(vol)) for (const key of Object.keys(vol)) if (key !== 'name') out.push(key);
  }
  return out;
}

/** ka.uri.param[KEY]: the first value of a query parameter of the request URI, decoded as Go's url.ParseQuery does. */
function uriParam(v: Json, arg: ArgValue): PluginValue {
  const uri = jsonChild(v, 'requestURI');
  if (uri === undefined) return undefined;
  const text = jsonText(uri);
  if (text === undefined) return undefined;
  const hash = text.indexOf('#');
  const noFragment = hash < 0 ? text : text.slice(0, hash);
  const q = noFragment.indexOf('?');
  if (q < 0) return undefined;
  let first: string | undefined;
  for (const part of noFragment.slice(q + 1).split('&')) {
    if (part === '') continue;
    // Go's ParseQuery refuses semicolons; the plugin then gives no value at all.
    if (part.includes(';')) return undefined;
    const eq = part.indexOf('=');
    const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
    const value = queryUnescape(eq < 0 ? '' : part.slice(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    if (key === arg && first === undefined) first = value;
  }
  return first;
}

/** Go's url.QueryUnescape: '+' is a space, %XX a byte; undefined for a malformed escape. */
function queryUnescape(s: string): string | undefined {
  if (!s.includes('%') && !s.includes('+')) return s;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  const bytes = Buffer.from(s.replaceAll('+', ' ').replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return bytes.toString('utf8');
}

/** ka.target.pod.name: the created pod's name, for a request on pods without a subresource. */
function targetPodName(v: Json): PluginValue {
  const str = (x: Json | undefined): string => (typeof x === 'string' ? x : '');
  if (str(jsonGet(v, 'objectRef', 'resource')) !== 'pods' || str(jsonGet(v, 'objectRef', 'subresource')) !== '') return undefined;
  return scalarAt(v, ['responseObject', 'metadata', 'name']);
}

const ANN = 'annotations';
const C_DESC = (what: string) => `When the request object refers to a pod, ${what}`;
/** One of the main containers' fields (ka.req.pod.containers.NAME). */
const main = (name: string, what: string): FieldSpec => containerField('containers', name, C_DESC(what));

/** Every ka.* field of the k8saudit plugin 0.18.0, in its order. */
export const K8SAUDIT_CLASS: FieldClass = {
  name: 'k8saudit (plugin)',
  desc: '',
  fields: [
    scalar('ka.auditid', 'The unique id of the audit event', 'auditID'),
    scalar('ka.stage', 'Stage of the request (e.g. RequestReceived, ResponseComplete, etc.)', 'stage'),
    scalar('ka.auth.decision', 'The authorization decision', ANN, 'authorization.k8s.io/decision'),
    scalar('ka.auth.reason', 'The authorization reason', ANN, 'authorization.k8s.io/reason'),
    scalar('ka.auth.openshift.decision', 'The authentication decision of the openshfit apiserver extention. Only available on openshift clusters',
      ANN, 'authentication.openshift.io/decision'),
    scalar('ka.validations.admission.policy.failure', 'The validation failure reason from a Validation Admission Policy',
      ANN, 'validation.policy.admission.k8s.io/validation_failure'),
    scalar('ka.security.pod.violations', 'The violation reason for pod security policy ', ANN, 'pod-security.kubernetes.io/audit-violations'),
    scalar('ka.auth.openshift.username', 'The user name performing the openshift authentication operation. Only available on openshift clusters',
      ANN, 'authentication.openshift.io/username'),
    scalar('ka.user.name', 'The user name performing the request', 'user', 'username'),
    list('ka.user.groups', 'The groups to which the user belongs', 'user', 'groups'),
    scalar('ka.impuser.name', 'The impersonated user name', 'impersonatedUser', 'username'),
    scalar('ka.verb', 'The action being performed', 'verb'),
    scalar('ka.uri', 'The request URI as sent from client to server', 'requestURI'),
    ka({ name: 'ka.uri.param', desc: 'The value of a given query parameter in the uri (e.g. when uri=/foo?key=val, ka.uri.param[key] is val).', arg: 'key', argRequired: true },
      uriParam),
    scalar('ka.target.name', 'The target object name', 'objectRef', 'name'),
    scalar('ka.target.namespace', 'The target object namespace', 'objectRef', 'namespace'),
    scalar('ka.target.resource', 'The target object resource', 'objectRef', 'resource'),
    scalar('ka.target.subresource', 'The target object subresource', 'objectRef', 'subresource'),
    ka({ name: 'ka.target.pod.name', desc: 'The target pod name' }, targetPodName),
    list('ka.req.binding.subjects', 'When the request object refers to a cluster role binding, the subject (e.g. account/users) being linked by the binding',
      'requestObject', 'subjects'),
    ka({ name: 'ka.req.binding.subjects.user_names', desc: 'When the request object refers to a cluster role binding, the subject user names being linked by the binding', list: true },
      subjectNames('User')),
    ka({ name: 'ka.req.binding.subjects.serviceaccount_names', desc: 'When the request object refers to a cluster role binding, the subject service account names being linked by the binding', list: true },
      subjectNames('ServiceAccount')),
    ka({ name: 'ka.req.binding.subjects.serviceaccount_ns_names', desc: 'When the request object refers to a cluster role binding, the subject serviceaccount namespaced names being linked by the binding, e.g. a list containing: mynamespace:myserviceaccount', list: true },
      subjectNames('ServiceAccount', true)),
    ka({ name: 'ka.req.binding.subjects.group_names', desc: 'When the request object refers to a cluster role binding, the subject group names being linked by the binding', list: true },
      subjectNames('Group')),
    scalar('ka.req.binding.role', 'When the request object refers to a cluster role binding, the role being linked by the binding', 'requestObject', 'roleRef', 'name'),
    // Documented as "N/A"; the plugin (like Falco's k8s audit support before it) gives "true".
    ka({ name: 'ka.req.binding.subject.has_name', desc: 'Deprecated, always returns "N/A". Only provided for backwards compatibility', arg: 'key', argRequired: true },
      () => 'true'),
    scalar('ka.req.configmap.name', 'If the request object refers to a configmap, the configmap name', 'objectRef', 'name'),
    scalar('ka.req.configmap.obj', 'If the request object refers to a configmap, the entire configmap object', 'requestObject', 'data'),
    main('args', "the container's args."),
    main('command', "the container's command."),
    main('name', "the container's names."),
    main('image', "the container's images."),
    ka({ name: 'ka.req.container.image', desc: 'Deprecated by ka.req.pod.containers.image. Returns the image of the first container only' },
      (v) => containerImages(v, 'containers', undefined).at(0)),
    containerField('containers', 'image.repository', 'The same as req.container.image, but only the repository part (e.g. falcosecurity/falco).'),
    ka({ name: 'ka.req.container.image.repository', desc: 'Deprecated by ka.req.pod.containers.image.repository. Returns the repository of the first container only' },
      (v) => {
        const first = containerImages(v, 'containers', undefined).at(0);
        return first === undefined ? undefined : repositoryOf(first);
      }),
    scalar('ka.req.pod.host_ipc', C_DESC('the value of the hostIPC flag.'), 'requestObject', 'spec', 'hostIPC'),
    scalar('ka.req.pod.host_network', C_DESC('the value of the hostNetwork flag.'), 'requestObject', 'spec', 'hostNetwork'),
    scalar('ka.req.container.host_network', 'Deprecated alias for ka.req.pod.host_network', 'requestObject', 'spec', 'hostNetwork'),
    scalar('ka.req.pod.host_pid', C_DESC('the value of the hostPID flag.'), 'requestObject', 'spec', 'hostPID'),
    main('host_port', "all container's hostPort values."),
    main('privileged', 'the value of the privileged flag for all containers.'),
    ka({ name: 'ka.req.container.privileged', desc: 'Deprecated by ka.req.pod.containers.privileged. Returns true if any container has privileged=true' },
      (v) => (containerValues(v, 'containers', undefined, 'securityContext', 'privileged').some((p) => p === true) ? 'true' : 'false')),
    main('allow_privilege_escalation', 'the value of the allowPrivilegeEscalation flag for all containers'),
    main('read_only_fs', 'the value of the readOnlyRootFilesystem flag for all containers'),
    scalar('ka.req.pod.run_as_user', C_DESC('the runAsUser uid specified in the security context for the pod. See ....containers.run_as_user for the runAsUser for individual containers'),
      'requestObject', 'spec', 'securityContext', 'runAsUser'),
    main('run_as_user', 'the runAsUser uid for all containers'),
    main('eff_run_as_user', 'the initial uid that will be used for all containers. This combines information from both the pod and container security contexts and uses 0 if no uid is specified'),
    scalar('ka.req.pod.run_as_group', C_DESC('the runAsGroup gid specified in the security context for the pod. See ....containers.run_as_group for the runAsGroup for individual containers'),
      'requestObject', 'spec', 'securityContext', 'runAsGroup'),
    main('run_as_group', 'the runAsGroup gid for all containers'),
    main('eff_run_as_group', 'the initial gid that will be used for all containers. This combines information from both the pod and container security contexts and uses 0 if no gid is specified'),
    main('proc_mount', 'the procMount types for all containers'),
    list('ka.req.role.rules', 'When the request object refers to a role/cluster role, the rules associated with the role', 'requestObject', 'rules'),
    indexedList('ka.req.role.rules.apiGroups', "When the request object refers to a role/cluster role, the api groups associated with the role's rules", rulesField('apiGroups')),
    indexedList('ka.req.role.rules.nonResourceURLs', "When the request object refers to a role/cluster role, the non resource urls associated with the role's rules",
      rulesField('nonResourceURLs')),
    indexedList('ka.req.role.rules.verbs', "When the request object refers to a role/cluster role, the verbs associated with the role's rules", rulesField('verbs')),
    indexedList('ka.req.role.rules.resources', "When the request object refers to a role/cluster role, the resources associated with the role's rules", rulesField('resources')),
    scalar('ka.req.pod.fs_group', C_DESC('the fsGroup gid specified by the security context.'), 'requestObject', 'spec', 'securityContext', 'fsGroup'),
    list('ka.req.pod.supplemental_groups', C_DESC('the supplementalGroup gids specified by the security context.'),
      'requestObject', 'spec', 'securityContext', 'supplementalGroups'),
    main('add_capabilities', 'all capabilities to add when running the container.'),
    scalar('ka.req.service.type', 'When the request object refers to a service, the service type', 'requestObject', 'spec', 'type'),
    indexedList('ka.req.service.ports', "When the request object refers to a service, the service's ports",
      (v, arg) => textsSkippingMissing(valuesAlong(v, indexOf(arg), ['requestObject', 'spec', 'ports']))),
    indexedList('ka.req.pod.volumes.hostpath', C_DESC('all hostPath paths specified for all volumes'), (v, arg) => volumesAlong(v, arg, 'hostPath', 'path')),
    ka({ name: 'ka.req.volume.hostpath', desc: 'Deprecated by ka.req.pod.volumes.hostpath. Return true if the provided (host) path prefix is used by any volume', arg: 'key', argRequired: true },
      hostPathUsed),
    indexedList('ka.req.pod.volumes.flexvolume_driver', C_DESC('all flexvolume drivers specified for all volumes'),
      (v, arg) => volumesAlong(v, arg, 'flexVolume', 'driver')),
    indexedList('ka.req.pod.volumes.volume_type', C_DESC('all volume types for all volumes'), volumeTypes),
    scalar('ka.resp.name', 'The response object name', 'responseObject', 'metadata', 'name'),
    scalar('ka.response.code', 'The response code', 'responseStatus', 'code'),
    scalar('ka.response.reason', 'The response reason (usually present only for failures)', 'responseStatus', 'reason'),
    scalar('ka.useragent', 'The useragent of the client who made the request to the apiserver', 'userAgent'),
    indexedList('ka.sourceips', 'The IP addresses of the client who made the request to the apiserver', (v, arg) => {
      const ips = jsonChild(v, 'sourceIPs');
      if (!isJsonArray(ips)) return undefined;
      const i = indexOf(arg);
      return textsSkippingMissing(i === undefined ? ips : i < ips.length ? [ips[i]] : []);
    }),
    scalar('ka.cluster.name', 'The name of the k8s cluster', ANN, 'cluster_name'),
    ...otherContainerFields('initContainers', 'init containers'),
    ...otherContainerFields('ephemeralContainers', 'ephemeral containers'),
  ],
};
