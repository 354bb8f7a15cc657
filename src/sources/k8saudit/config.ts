// The k8saudit plugin's configuration, as Falco's configuration gives it: init_config (a map, or
// JSON text, empty meaning the defaults) with the plugin's keys and their defaults, and
// open_params, which says where audit events come from:
//
//   http://[HOST]:PORT/PATH    a webhook (kube-apiserver's --audit-webhook-config-file); Falco's
//                              default is http://:9765/k8s-audit (every address, port 9765)
//   https://[HOST]:PORT/PATH   the same over TLS, with the key and certificate of sslCertificate
//   file://PATH                a file followed as it grows, through rotation (new events only)
//   PATH                       a file (or a directory of files) read once, one JSON payload a line
//
// ghostwatch adds two keys to init_config (the plugin's schema allows others): webhookBearerToken
// or webhookBearerTokenFile, a token the webhook's clients must send (Authorization: Bearer ...).
import type { RawNode } from '../../config/tree.js';
import { decodeBool } from '../../rules/yaml.js';

export interface K8sAuditInit {
  /** PEM holding the TLS private key and certificate (chain) of an https webhook. */
  readonly sslCertificate: string;
  /** Events larger than this (bytes of their JSON) are dropped. */
  readonly maxEventSize: number;
  /** Webhook request bodies larger than this are refused (413). */
  readonly webhookMaxBatchSize: number;
  /** The plugin's async extraction switch: accepted, without effect (extraction is in-process). */
  readonly useAsync: boolean;
  /** ghostwatch's: the bearer token webhook clients must present. */
  readonly webhookBearerToken?: string;
  /** ghostwatch's: a file holding that token (read when the webhook opens). */
  readonly webhookBearerTokenFile?: string;
}

export const K8SAUDIT_DEFAULTS: K8sAuditInit = {
  sslCertificate: '/etc/falco/falco.pem',
  maxEventSize: 262144,
  webhookMaxBatchSize: 12 * 1024 * 1024,
  useAsync: true,
};

export interface K8sAuditPluginConfig {
  readonly init: K8sAuditInit;
  readonly openParams: string;
}

/** Where the events come from, open_params read. */
export type AuditInput =
  | { readonly kind: 'webhook'; readonly tls: boolean; readonly host: string; readonly port: number; readonly path: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'follow'; readonly path: string };

export class K8sAuditConfigError extends Error {}

const INTEGER = /^\s*\d+\s*$/;

/** init_config as a map (the configuration's own, or JSON text already made one). */
export function readK8sAuditInit(init: RawNode | undefined): K8sAuditInit {
  if (init === undefined || init.kind === 'null' || (init.kind === 'scalar' && init.text.trim() === '')) return K8SAUDIT_DEFAULTS;
  if (init.kind !== 'map') throw new K8sAuditConfigError("the k8saudit plugin's init_config must be a map (or JSON text of one)");
  const text = (key: string): string | undefined => {
    const n = init.entries.get(key);
    if (n === undefined || n.kind === 'null') return undefined;
    if (n.kind !== 'scalar') throw new K8sAuditConfigError(`the k8saudit plugin's init_config.${key} must be a single value`);
    return n.text;
  };
  const size = (key: 'maxEventSize' | 'webhookMaxBatchSize'): number => {
    const t = text(key);
    if (t === undefined) return K8SAUDIT_DEFAULTS[key];
    const n = Number(t);
    if (!INTEGER.test(t) || !Number.isSafeInteger(n) || n <= 0) {
      throw new K8sAuditConfigError(`the k8saudit plugin's init_config.${key} must be a positive integer (bytes), got '${t}'`);
    }
    return n;
  };
  const useAsyncText = text('useAsync');
  const useAsync = useAsyncText === undefined ? true : decodeBool(useAsyncText);
  if (useAsync === undefined) throw new K8sAuditConfigError(`the k8saudit plugin's init_config.useAsync must be a boolean (true or false), got '${useAsyncText ?? ''}'`);
  const token = text('webhookBearerToken');
  const tokenFile = text('webhookBearerTokenFile');
  if (token !== undefined && tokenFile !== undefined) {
    throw new K8sAuditConfigError("the k8saudit plugin's init_config has both webhookBearerToken and webhookBearerTokenFile: give one");
  }
  if (token?.trim() === '') throw new K8sAuditConfigError("the k8saudit plugin's init_config.webhookBearerToken is empty");
  return {
    sslCertificate: text('sslCertificate') ?? K8SAUDIT_DEFAULTS.sslCertificate,
    maxEventSize: size('maxEventSize'),
    webhookMaxBatchSize: size('webhookMaxBatchSize'),
    useAsync,
    ...(token !== undefined && { webhookBearerToken: token }),
    ...(tokenFile !== undefined && tokenFile !== '' && { webhookBearerTokenFile: tokenFile }),
  };
}

/** open_params read as the plugin reads it; K8sAuditConfigError when it cannot be used. */
export function parseOpenParams(params: string): AuditInput {
  const p = params.trim();
  if (p === '') {
    throw new K8sAuditConfigError("the k8saudit plugin's open_params is empty: give a webhook URL (such as http://:9765/k8s-audit) or a file");
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(p)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'file', path: p };
  const rest = p.slice(scheme.length + 3);
  switch (scheme) {
    case 'http':
    case 'https':
      return webhookInput(scheme === 'https', rest, p);
    case 'file':
      if (rest === '') throw new K8sAuditConfigError(`the k8saudit plugin's open_params '${p}' names no file`);
      return { kind: 'follow', path: rest };
    default:
      throw new K8sAuditConfigError(`the k8saudit plugin's open_params: scheme "${scheme}" is not supported (http, https, file, or a path)`);
  }
}

function webhookInput(tls: boolean, rest: string, whole: string): AuditInput {
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const rawPath = slash < 0 ? '' : rest.slice(slash).split(/[?#]/)[0];
  // An empty path serves every path, as the pattern "/" does.
  const path = rawPath === '' ? '/' : rawPath;
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
  if (bracketed !== null) {
    host = bracketed[1];
    portText = bracketed[2];
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0 && authority.indexOf(':') !== colon) throw new K8sAuditConfigError(`the k8saudit plugin's open_params '${whole}': an IPv6 address goes in brackets`);
    host = colon < 0 ? authority : authority.slice(0, colon);
    portText = colon < 0 ? undefined : authority.slice(colon + 1);
  }
  let port: number;
  if (portText === undefined || portText === '') {
    if (host !== '') throw new K8sAuditConfigError(`the k8saudit plugin's open_params '${whole}': missing port in address`);
    port = tls ? 443 : 80;
  } else {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw new K8sAuditConfigError(`the k8saudit plugin's open_params '${whole}': invalid port '${portText}'`);
  }
  return { kind: 'webhook', tls, host, port, path };
}

/** The URL a webhook input serves, for messages (the bound port when it was 0). */
export function webhookUrl(input: AuditInput & { kind: 'webhook' }, port = input.port): string {
  const host = input.host.includes(':') ? `[${input.host}]` : input.host;
  return `${input.tls ? 'https' : 'http'}://${host}:${port}${input.path}`;
}
