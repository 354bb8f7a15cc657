// nats_output and loki_output in the configuration: read with their defaults, and each mistake that
// would keep the output from working is one line naming the key, at start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { configFile, loadError } from './support.js';


describe('nats_output', () => {
  it('is read with its defaults when enabled, and absent when not', () => {
    const { config } = loadConfig(configFile('nats_output: {enabled: true, url: "nats://127.0.0.1:4222", subject: falco.alerts}\n'));
    assert.deepEqual(config.natsOutput, {
      url: 'nats://127.0.0.1:4222', subject: 'falco.alerts', stream: '', token: '', user: '', password: '', credentialsFile: '', tls: false,
      caCert: '', clientCert: '', clientKey: '',
    });
    assert.equal(loadConfig(configFile('nats_output: {enabled: false, url: "bogus"}\n')).config.natsOutput, undefined);
  });

  it('takes its keys from -o', () => {
    const { config } = loadConfig(configFile(''), ['nats_output.enabled=true', 'nats_output.url=tls://nats.example:4222', 'nats_output.subject=a.b', 'nats_output.stream=ALERTS', 'nats_output.token=t']);
    const nats = config.natsOutput;
    assert.ok(nats !== undefined);
    assert.equal(nats.stream, 'ALERTS');
    assert.equal(nats.token, 't');
  });

  it('a missing url or subject, a bad URL, subject or stream name, or conflicting settings: one line naming the key', () => {
    assert.match(loadError('nats_output: {enabled: true, subject: a}\n'), /: nats output enabled but no url in configuration block$/);
    assert.match(loadError('nats_output: {enabled: true, url: "nats://h:4222"}\n'), /: nats output enabled but no subject in configuration block$/);
    assert.match(loadError('nats_output: {enabled: true, url: "http://h:4222", subject: a}\n'), /: 'nats_output.url' must be a URL \(nats:\/\/ or tls:\/\/\), got 'http:\/\/h:4222'$/);
    assert.match(loadError('nats_output: {enabled: true, url: "not a url", subject: a}\n'), /: 'nats_output.url' must be a URL \(nats:\/\/ or tls:\/\/\), got 'not a url'$/);
    assert.match(loadError('nats_output: {enabled: true, url: "nats://h", subject: "falco.*"}\n'), /: 'nats_output.subject' must be a NATS subject \(dot-separated tokens, no spaces or wildcards\), got 'falco\.\*'$/);
    assert.match(loadError('nats_output: {enabled: true, url: "nats://h", subject: "a..b"}\n'), /'nats_output.subject' must be a NATS subject/);
    assert.match(loadError('nats_output: {enabled: true, url: "nats://h", subject: a, stream: "a.b"}\n'), /: 'nats_output.stream' must be a JetStream stream name/);
    assert.match(loadError('nats_output: {enabled: true, url: "nats://h", subject: a, token: t, user: u}\n'), /: nats output: give one of token, user \(with password\) or credentials_file$/);
    assert.match(loadError('nats_output: {enabled: true, url: "nats://h", subject: a, client_cert: /c.pem}\n'), /: nats output: client_cert and client_key go together$/);
    assert.match(loadError('nats_output: {enabled: true, url: "nats://h", subject: a, sbject: b}\n'), /unknown key 'nats_output.sbject'/);
  });
});

describe('loki_output', () => {
  it('is read with its defaults and static labels', () => {
    const { config } = loadConfig(configFile('loki_output:\n  enabled: true\n  url: http://127.0.0.1:3100\n  tenant: t1\n  labels: {cluster: prod, job: ghostwatch}\n'));
    assert.deepEqual(config.lokiOutput, {
      url: 'http://127.0.0.1:3100', tenant: 't1', user: '', password: '', bearerToken: '', labels: { cluster: 'prod', job: 'ghostwatch' }, caCert: '',
    });
  });

  it('a missing or bad URL, a bad label, or two kinds of auth: one line naming the key', () => {
    assert.match(loadError('loki_output: {enabled: true}\n'), /: loki output enabled but no url in configuration block$/);
    assert.match(loadError('loki_output: {enabled: true, url: "loki:3100"}\n'), /: 'loki_output.url' must be a URL \(http:\/\/ or https:\/\/\), got 'loki:3100'$/);
    assert.match(loadError('loki_output: {enabled: true, url: "http://l", labels: {"bad-name": x}}\n'), /: 'loki_output.labels.bad-name' is not a Loki label name/);
    assert.match(loadError('loki_output: {enabled: true, url: "http://l", labels: {__name__: x}}\n'), /: 'loki_output.labels.__name__' is not a Loki label name/);
    assert.match(loadError('loki_output: {enabled: true, url: "http://l", labels: {rule: x}}\n'), /: 'loki_output.labels.rule' is set from each alert and cannot be static$/);
    assert.match(loadError('loki_output: {enabled: true, url: "http://l", labels: {env: ""}}\n'), /: 'loki_output.labels.env' must be a text that is not empty$/);
    assert.match(loadError('loki_output: {enabled: true, url: "http://l", labels: [a]}\n'), /'loki_output.labels' must be a map of label names to values$/);
    assert.match(loadError('loki_output: {enabled: true, url: "http://l", user: u, bearer_token: t}\n'), /: loki output: give either user \(basic auth\) or bearer_token, not both$/);
  });
});
