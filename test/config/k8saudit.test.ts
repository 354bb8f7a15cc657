// The k8saudit and json plugins' configuration, as Falco reads it: load_plugins picks what is
// loaded, library_path is accepted and not loaded (they are built in), init_config is a map or JSON
// text (empty: the defaults), -o plugins[0].open_params=... overrides the source; open_params is a
// webhook URL, a followed file (file://) or a file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { configFile, loadError } from './support.js';
import { K8SAUDIT_DEFAULTS, parseOpenParams, webhookUrl } from '../../src/sources/k8saudit/config.js';


const FALCO_STYLE = `plugins:
  - name: k8saudit
    library_path: libk8saudit.so
    init_config:
      maxEventSize: 1000
      webhookMaxBatchSize: 5000
      sslCertificate: /etc/ghostwatch/webhook.pem
      useAsync: false
    open_params: "http://:9765/k8s-audit"
  - name: json
    library_path: libjson.so
    init_config: ""
load_plugins: [k8saudit, json]
`;

describe('the k8saudit and json plugins in the configuration', () => {
  it("are read as Falco's falco.yaml gives them: init_config keys, open_params; library_path is not loaded", () => {
    const { config, unimplemented } = loadConfig(configFile(FALCO_STYLE));
    assert.deepEqual(unimplemented, []);
    assert.deepEqual(config.k8sAudit, {
      init: { sslCertificate: '/etc/ghostwatch/webhook.pem', maxEventSize: 1000, webhookMaxBatchSize: 5000, useAsync: false },
      openParams: 'http://:9765/k8s-audit',
    });
    assert.equal(config.jsonPlugin, true);
  });

  it('init_config may be JSON text, or empty for the defaults', () => {
    const json = loadConfig(configFile(FALCO_STYLE.replace(/init_config:\n(?: {6}.*\n)+/, `init_config: '{"maxEventSize": 42, "webhookBearerToken": "t0k"}'\n`)));
    assert.equal(json.config.k8sAudit?.init.maxEventSize, 42);
    assert.equal(json.config.k8sAudit.init.webhookBearerToken, 't0k');
    assert.equal(json.config.k8sAudit.init.webhookMaxBatchSize, K8SAUDIT_DEFAULTS.webhookMaxBatchSize);
    const empty = loadConfig(configFile(FALCO_STYLE.replace(/init_config:\n(?: {6}.*\n)+/, 'init_config: ""\n')));
    assert.deepEqual(empty.config.k8sAudit?.init, K8SAUDIT_DEFAULTS);
    assert.deepEqual(K8SAUDIT_DEFAULTS, { sslCertificate: '/etc/falco/falco.pem', maxEventSize: 262144, webhookMaxBatchSize: 12582912, useAsync: true });
  });

  it('-o plugins[0].open_params and -o plugins[0].init_config.KEY override them', () => {
    const { config } = loadConfig(configFile(FALCO_STYLE), ['plugins[0].open_params=/tmp/audit.json', 'plugins[0].init_config.maxEventSize=77']);
    assert.equal(config.k8sAudit?.openParams, '/tmp/audit.json');
    assert.equal(config.k8sAudit.init.maxEventSize, 77);
  });

  it('load_plugins picks the plugins loaded; a name it lists must be configured', () => {
    const none = loadConfig(configFile(FALCO_STYLE.replace('load_plugins: [k8saudit, json]', 'load_plugins: []')));
    assert.equal(none.config.k8sAudit, undefined);
    assert.equal(none.config.jsonPlugin, false);
    const k8sOnly = loadConfig(configFile(FALCO_STYLE.replace('load_plugins: [k8saudit, json]', 'load_plugins: [k8saudit]')));
    assert.notEqual(k8sOnly.config.k8sAudit, undefined);
    assert.equal(k8sOnly.config.jsonPlugin, false);
    assert.match(loadError(FALCO_STYLE.replace('load_plugins: [k8saudit, json]', 'load_plugins: [k8saudit, cloudtrail]')),
      /Cannot load plugin 'cloudtrail': plugin config not found for given name$/);
  });

  it('wrong values are one line naming the key', () => {
    assert.match(loadError(FALCO_STYLE.replace('maxEventSize: 1000', 'maxEventSize: lots')), /init_config\.maxEventSize must be a positive integer \(bytes\), got 'lots'/);
    assert.match(loadError(FALCO_STYLE.replace('webhookMaxBatchSize: 5000', 'webhookMaxBatchSize: 0')), /webhookMaxBatchSize must be a positive integer/);
    assert.match(loadError(FALCO_STYLE.replace('useAsync: false', 'useAsync: perhaps')), /useAsync must be a boolean/);
    assert.match(loadError(FALCO_STYLE.replace(/init_config:\n(?: {6}.*\n)+/, "init_config: '{broken'\n")), /the k8saudit plugin's init_config is neither a map nor JSON/);
    assert.match(loadError(FALCO_STYLE.replace('useAsync: false', 'webhookBearerToken: a\n      webhookBearerTokenFile: /t')), /both webhookBearerToken and webhookBearerTokenFile/);
  });
});

describe('open_params', () => {
  it('a webhook: every address or one, the port, the path', () => {
    assert.deepEqual(parseOpenParams('http://:9765/k8s-audit'), { kind: 'webhook', tls: false, host: '', port: 9765, path: '/k8s-audit' });
    assert.deepEqual(parseOpenParams('https://127.0.0.1:8443/audit'), { kind: 'webhook', tls: true, host: '127.0.0.1', port: 8443, path: '/audit' });
    assert.deepEqual(parseOpenParams('http://[::1]:9765'), { kind: 'webhook', tls: false, host: '::1', port: 9765, path: '/' });
    assert.equal(webhookUrl({ kind: 'webhook', tls: false, host: '::1', port: 0, path: '/a' }, 4242), 'http://[::1]:4242/a');
    assert.throws(() => parseOpenParams('http://localhost/k8s-audit'), /missing port in address/);
    assert.throws(() => parseOpenParams('http://:99999/x'), /invalid port/);
  });

  it('a file read once, a file followed, or nothing usable', () => {
    assert.deepEqual(parseOpenParams(' trace_files/k8s_audit/x.json '), { kind: 'file', path: 'trace_files/k8s_audit/x.json' });
    assert.deepEqual(parseOpenParams('file:///var/log/kube-apiserver/audit.log'), { kind: 'follow', path: '/var/log/kube-apiserver/audit.log' });
    assert.throws(() => parseOpenParams(''), /open_params is empty/);
    assert.throws(() => parseOpenParams('ftp://x/y'), /scheme "ftp" is not supported/);
  });
});
