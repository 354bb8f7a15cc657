import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { defaultConfigPath, loadConfig } from '../../src/config/load.js';
import { configDir, configFile, lastConfigFile, loadError } from './support.js';
import { repoRoot, SHARED_MISSING, sharedPath } from '../helpers.js';


describe('the configuration shipped with ghostwatch', () => {
  it('loads, with nothing ghostwatch does not implement', () => {
    const { config, unimplemented, file } = loadConfig(undefined);
    assert.equal(file, defaultConfigPath());
    assert.deepEqual(unimplemented, []);
    assert.equal(config.stdoutOutput, true);
    assert.equal(config.jsonOutput, false);
    assert.equal(config.minPriority, 7);
    assert.equal(config.ruleMatching, 'first');
    assert.equal(config.fileOutput, undefined);
    assert.deepEqual([...config.syscallEventDrops.actions], ['log', 'alert']);
  });
});

describe("Falco's own falco.yaml", { skip: sharedPath('falco') === undefined ? SHARED_MISSING : false }, () => {
  it('the one of the legacy suite loads; what ghostwatch does not implement is listed, each key once', () => {
    const { config, unimplemented } = loadConfig(sharedPath('falco', 'legacy-tests', 'falco.yaml'));
    // Its load_plugins is empty: none of its plugins (k8saudit, cloudtrail, json) is loaded, none is reported.
    assert.deepEqual(unimplemented, [
      'grpc_output', 'grpc', 'log_syslog',
      'libs_logger', 'metrics.libbpf_stats_enabled', 'syscall_drop_failed_exit', 'modern_bpf', 'metadata_download',
    ]);
    assert.equal(config.k8sAudit, undefined);
    assert.equal(config.jsonPlugin, false);
    assert.equal(config.outputsMaxBurst, 1000);
    assert.equal(config.logStderr, true);
    // rules_file lists /etc/falco paths, kept only if they exist.
    assert.ok(config.rulesFiles.every((p) => p.startsWith('/etc/falco')));
  });
});

// The falco.yaml of today's Falco, where the reference sources are checked out beside the project.
const latestFalcoYaml = resolve(repoRoot, '..', 'ref', 'falco', 'falco.yaml');
describe('Falco 0.63 falco.yaml', { skip: existsSync(latestFalcoYaml) ? false : 'the Falco sources are not beside the project' }, () => {
  it('loads', () => {
    const { config, unimplemented } = loadConfig(latestFalcoYaml);
    // Its container plugin entry and suggested_output are ghostwatch's own now.
    assert.ok(!unimplemented.some((k) => k.startsWith('plugins')) && !unimplemented.includes('append_output.suggested_output'));
    assert.equal(config.containers.labelMaxLen, 100);
    assert.equal(config.httpOutput, undefined);
    assert.equal(config.stdoutOutput, true);
  });
});

describe('keys and values', () => {
  it('reads every implemented setting', () => {
    const { config } = loadConfig(configFile(`
rules_files: [/nonexistent/a.yaml, ${configDir}]
json_output: yes
json_include_output_property: false
json_include_tags_property: False
json_include_message_property: true
priority: warning
rule_matching: all
time_format_iso_8601: on
buffered_outputs: true
outputs: { rate: 2.5, max_burst: 7 }
file_output: { enabled: true, keep_alive: true, filename: /tmp/x.txt }
program_output: { enabled: true, program: "cat" }
http_output: { enabled: true, url: "http://127.0.0.1:1/", insecure: true, compress_uploads: true }
log_level: debug
log_stderr: true
syscall_event_drops: { threshold: 0.5, actions: [log, exit], rate: 1, max_burst: 3, simulate_drops: true }
`));
    assert.deepEqual(config.rulesFiles, [configDir]);
    assert.equal(config.jsonOutput, true);
    assert.equal(config.jsonIncludeOutputProperty, false);
    assert.equal(config.jsonIncludeTagsProperty, false);
    assert.equal(config.jsonIncludeMessageProperty, true);
    assert.equal(config.minPriority, 4);
    assert.equal(config.ruleMatching, 'all');
    assert.equal(config.timeFormatIso8601, true);
    assert.equal(config.bufferedOutputs, true);
    assert.equal(config.outputsRate, 2.5);
    assert.equal(config.outputsMaxBurst, 7);
    assert.deepEqual(config.fileOutput, { filename: '/tmp/x.txt', keepAlive: true });
    assert.deepEqual(config.programOutput, { program: 'cat', keepAlive: false });
    assert.equal(config.httpOutput?.url, 'http://127.0.0.1:1/');
    assert.equal(config.httpOutput.insecure, true);
    assert.equal(config.httpOutput.compressUploads, true);
    assert.equal(config.httpOutput.userAgent, 'falcosecurity/falco');
    assert.equal(config.logLevel, 7);
    assert.deepEqual(config.syscallEventDrops, { threshold: 0.5, actions: new Set(['log', 'exit']), rate: 1, maxBurst: 3, simulateDrops: true });
  });

  it('falco_libs.thread_table_auto_purging_interval_s: 5 minutes by default', () => {
    assert.equal(loadConfig(configFile('json_output: false\n'), []).config.threadPurgeIntervalS, 300);
    assert.equal(loadConfig(configFile('falco_libs:\n  thread_table_auto_purging_interval_s: 60\n'), []).config.threadPurgeIntervalS, 60);
  });

  it("syscall_buf_size_preset: Falco's sizes, 1 MiB to 512 MiB; 8 MiB by default", () => {
    assert.equal(loadConfig(configFile('json_output: false\n'), []).config.syscallBufferKb, 8 << 10);
    assert.equal(loadConfig(configFile('syscall_buf_size_preset: 1\n'), []).config.syscallBufferKb, 1 << 10);
    assert.equal(loadConfig(configFile('syscall_buf_size_preset: 6\n'), []).config.syscallBufferKb, 32 << 10);
    assert.equal(loadConfig(configFile('syscall_buf_size_preset: 10\n'), []).config.syscallBufferKb, 512 << 10);
    for (const bad of ['0', '11']) {
      assert.equal(loadError(`syscall_buf_size_preset: ${bad}\n`), "The 'buf_size_preset' value must be between '1' and '10'");
    }
  });

  it('a key neither Falco nor ghostwatch knows is an error naming it and its line', () => {
    assert.equal(loadError('json_output: true\nfile_output:\n  enabeld: true\n'),
      `Error reading config file (${lastConfigFile()}), line 3: unknown key 'file_output.enabeld' (neither Falco nor ghostwatch knows it)`);
    assert.match(loadError('jsonoutput: true\n'), /unknown key 'jsonoutput'/);
  });

  it("a key named like an Object property ('toString', 'constructor') is unknown too", () => {
    assert.match(loadError('toString: 1\n'), /line 1: unknown key 'toString'/);
    assert.match(loadError('file_output:\n  constructor: x\n'), /line 2: unknown key 'file_output.constructor'/);
  });

  it('a value of the wrong type is an error naming the key', () => {
    assert.match(loadError('json_output: maybe\n'), /line 1: 'json_output' must be a boolean \(true or false\), got 'maybe'$/);
    assert.match(loadError('outputs:\n  max_burst: lots\n'), /'outputs.max_burst' must be an integer, got 'lots'/);
    assert.match(loadError('stdout_output: true\n'), /'stdout_output' must be a map of keys, got 'true'/);
    assert.match(loadError('rules_files: {a: b}\n'), /'rules_files' must be a list of strings/);
    assert.match(loadError('syscall_event_drops:\n  rate: fast\n'), /'syscall_event_drops.rate' must be a number/);
  });

  it("Falco's own checks, with Falco's messages", () => {
    assert.match(loadError('priority: loud\n'), /^Unknown priority "loud"--must be one of emergency/);
    assert.match(loadError('file_output: {enabled: true}\n'), /file output enabled but no filename in configuration block$/);
    assert.match(loadError('program_output: {enabled: true}\n'), /program output enabled but no program in configuration block$/);
    assert.match(loadError('http_output: {enabled: true}\n'), /http output enabled but no url in configuration block$/);
    assert.match(loadError('syscall_event_drops: {actions: [ignore, log]}\n'), /syscall event drop action "log" does not make sense with the "ignore" action$/);
    assert.match(loadError('syscall_event_drops: {actions: [shout]}\n'), /available actions for syscall event drops are "ignore", "log", "alert", and "exit"$/);
    assert.match(loadError('syscall_event_drops: {threshold: 1.1}\n'), /syscall event drops threshold must be a double in the range \[0, 1\]$/);
    assert.match(loadError('syscall_event_drops: {threshold: -1}\n'), /syscall event drops threshold must be a double in the range \[0, 1\]$/);
    assert.match(loadError('log_level: chatty\n'), /^Unknown log level chatty$/);
    assert.match(loadError('rule_matching: some\n'), /^Unknown rule matching strategy "some"/);
  });

  it('a file that does not parse or does not exist', () => {
    assert.match(loadError('a: b: c\n'), /^Cannot read config file \(.*\): yaml-cpp: error at line 1/);
    assert.throws(() => loadConfig(join(configDir, 'nope.yaml')), /^Error: Could not find configuration file at .*nope.yaml$/);
  });
});

describe('-o key=value', () => {
  it('sets keys, nested keys and list items, with the types of the keys', () => {
    const { config } = loadConfig(configFile('stdout_output: {enabled: true}\nrules_files: [/a]\n'), [
      'json_output=True', 'file_output.enabled=true', 'file_output.filename=/tmp/o.txt', 'outputs.rate=3',
      'rules_files[]=/tmp', 'priority=error', 'program_output.program=a=b',
    ]);
    assert.equal(config.jsonOutput, true);
    assert.deepEqual(config.fileOutput, { filename: '/tmp/o.txt', keepAlive: false });
    assert.equal(config.outputsRate, 3);
    assert.deepEqual(config.rulesFiles, ['/tmp']);
    assert.equal(config.minPriority, 3);
  });

  it('replaces a list item by index, and a whole list by a value', () => {
    assert.deepEqual(loadConfig(configFile('rules_files: [/a, /b]\n'), ['rules_files[1]=/tmp']).config.rulesFiles, ['/tmp']);
    assert.deepEqual(loadConfig(configFile('rules_files: [/a, /b]\n'), ['rules_files=/tmp']).config.rulesFiles, ['/tmp']);
  });

  it('a later -o wins', () => {
    assert.equal(loadConfig(configFile(''), ['json_output=true', 'json_output=false']).config.jsonOutput, false);
  });

  it('errors name the option', () => {
    assert.equal(loadError('', ['json_outptu=true']), "Error in config option set with -o: unknown key 'json_outptu' (neither Falco nor ghostwatch knows it)");
    assert.equal(loadError('', ['json_output=sure']), "Error in config option set with -o: 'json_output' must be a boolean (true or false), got 'sure'");
    assert.equal(loadError('', ['json_output']), 'Error parsing config option "json_output". Must be of the form key=val or key.subkey=val');
    assert.match(loadError('', ['file_output..=x']), /Must be of the form key=val/);
    assert.match(loadError('', ['rules_files[3]=x']), /index 3 is past the end/);
  });
});

describe('rules selection and append_output', () => {
  it('reads enable/disable entries by rule pattern or tag, in order', () => {
    const { config } = loadConfig(configFile('rules:\n  - disable: {tag: network}\n  - enable: {rule: "Read *"}\n'));
    assert.deepEqual(config.ruleSelection, [{ enable: false, tag: 'network' }, { enable: true, rule: 'Read *' }]);
    assert.match(loadError('rules:\n  - enable: {}\n'), /must name a rule or a tag/);
  });

  it('reads extra outputs and extra fields with their match', () => {
    const { config } = loadConfig(configFile(`append_output:
  - match: {source: syscall, tags: [a]}
    extra_output: "on %container.name"
    extra_fields: [proc.exepath, {parent: "%proc.pname"}]
  - extra_output: "!"
`));
    assert.deepEqual(config.extraOutputFormats, [{ source: 'syscall', tags: ['a'], format: 'on %container.name' }, { format: '!' }]);
    assert.deepEqual(config.extraOutputFields, [
      { source: 'syscall', tags: ['a'], key: 'proc.exepath', format: '%proc.exepath', raw: true },
      { source: 'syscall', tags: ['a'], key: 'parent', format: '%proc.pname', raw: false },
    ]);
  });
});

describe("the container plugin's init_config", () => {
  const DEFAULT_CONTAINERS = {
    engines: {
      docker: { enabled: true, sockets: ['/var/run/docker.sock'] },
      podman: { enabled: true, sockets: ['/run/podman/podman.sock'] },
      containerd: { enabled: true, sockets: ['/run/host-containerd/containerd.sock'] },
      cri: {
        enabled: true,
        sockets: ['/run/containerd/containerd.sock', '/run/crio/crio.sock', '/run/k3s/containerd/containerd.sock', '/run/host-containerd/containerd.sock'],
      },
    },
    labelMaxLen: 100, lookupTimeoutMs: 2000, newContainerWaitMs: 500,
  };
  const plugins = (initConfig: string) => `plugins:\n  - name: container\n    library_path: libcontainer.so\n    init_config: ${initConfig}\n`;

  it("defaults to Falco's container plugin defaults, with or without a plugins entry", () => {
    const none = loadConfig(configFile('json_output: false\n'));
    assert.deepEqual(none.config.containers, DEFAULT_CONTAINERS);
    assert.deepEqual(none.unimplemented, []);
    const bare = loadConfig(configFile('plugins:\n  - name: container\n    library_path: libcontainer.so\n'));
    assert.deepEqual(bare.config.containers, DEFAULT_CONTAINERS);
    assert.deepEqual(bare.unimplemented, [], 'the container plugin is built in');
  });

  it('reads a map: each engine\'s enabled and sockets, label_max_len, lookup_timeout_ms, new_container_wait_ms', () => {
    const { config, unimplemented } = loadConfig(configFile(plugins(`
      label_max_len: 20
      lookup_timeout_ms: 300
      new_container_wait_ms: 0
      engines:
        docker: {enabled: false}
        cri: {enabled: true, sockets: [/run/a.sock, /run/b.sock]}
        podman: {sockets: /run/user/1000/podman/podman.sock}
`)));
    assert.deepEqual(unimplemented, []);
    assert.deepEqual(config.containers, {
      engines: {
        docker: { enabled: false, sockets: ['/var/run/docker.sock'] },
        podman: { enabled: true, sockets: ['/run/user/1000/podman/podman.sock'] },
        containerd: DEFAULT_CONTAINERS.engines.containerd,
        cri: { enabled: true, sockets: ['/run/a.sock', '/run/b.sock'] },
      },
      labelMaxLen: 20, lookupTimeoutMs: 300, newContainerWaitMs: 0,
    });
  });

  it('reads JSON text, as Falco also takes init_config', () => {
    const json = JSON.stringify({ label_max_len: 5, engines: { podman: { enabled: false }, containerd: { sockets: ['/x.sock'] } } });
    const { config } = loadConfig(configFile(plugins(`'${json}'`)));
    assert.equal(config.containers.labelMaxLen, 5);
    assert.equal(config.containers.lookupTimeoutMs, 2000);
    assert.deepEqual(config.containers.engines.podman, { enabled: false, sockets: ['/run/podman/podman.sock'] });
    assert.deepEqual(config.containers.engines.containerd, { enabled: true, sockets: ['/x.sock'] });
    assert.deepEqual(config.containers.engines.docker, DEFAULT_CONTAINERS.engines.docker);
    assert.deepEqual(loadConfig(configFile(plugins("''"))).config.containers, DEFAULT_CONTAINERS, 'empty text: the defaults');
  });

  it('bad values are one-line errors naming the file and the key', () => {
    const error = (initConfig: string, message: string) => {
      const e = loadError(plugins(initConfig));
      assert.ok(e.startsWith(`Error reading config file (${lastConfigFile()}): `), e);
      assert.ok(e.endsWith(`: ${message}`), e);
    };
    error('{label_max_len: -1}', "'plugins.init_config.label_max_len' of the container plugin must be an integer >= 0");
    error('{label_max_len: lots}', "'plugins.init_config.label_max_len' of the container plugin must be an integer >= 0");
    error('{lookup_timeout_ms: 0}', "'plugins.init_config.lookup_timeout_ms' of the container plugin must be an integer > 0");
    error('{lookup_timeout_ms: 2.5}', "'plugins.init_config.lookup_timeout_ms' of the container plugin must be an integer > 0");
    error('{new_container_wait_ms: -5}', "'plugins.init_config.new_container_wait_ms' of the container plugin must be an integer >= 0");
    assert.match(loadError(plugins(`'{"label_max_len": '`)), /: the container plugin's init_config is neither a map nor JSON \(.+\)$/);
  });

  it('a boolean that is not one is an error too, and sockets are a list', () => {
    assert.match(loadError(plugins('{engines: {docker: {enabled: maybe}}}')), /enabled.*boolean/);
    assert.match(loadError(plugins('{engines: {docker: {sockets: {a: b}}}}')), /sockets.*list of paths/);
  });

  it('loaded plugins other than the built-in ones are reported as not implemented, each by name', () => {
    const { config, unimplemented } = loadConfig(configFile(`plugins:
  - name: k8saudit
    library_path: libk8saudit.so
    open_params: "http://:9765/k8s-audit"
  - name: container
    library_path: libcontainer.so
  - name: cloudtrail
    library_path: libcloudtrail.so
  - name: json
    library_path: libjson.so
`));
    // Without load_plugins, every configured plugin is loaded: k8saudit and json are built in.
    assert.deepEqual(config.otherPlugins, ['cloudtrail']);
    assert.deepEqual(unimplemented, ['plugins[cloudtrail]']);
    assert.equal(config.k8sAudit?.openParams, 'http://:9765/k8s-audit');
    assert.equal(config.jsonPlugin, true);
  });
});

describe('append_output.suggested_output', () => {
  const SUGGESTED = [
    'container_id=%container.id', 'container_name=%container.name', 'container_image_repository=%container.image.repository',
    'container_image_tag=%container.image.tag', 'k8s_pod_name=%k8s.pod.name', 'k8s_ns_name=%k8s.ns.name',
  ];

  it("appends the container plugin's six suggested fields, in order, marked suggested, with the entry's match", () => {
    const { config, unimplemented } = loadConfig(configFile('append_output:\n  - suggested_output: true\n'));
    assert.deepEqual(unimplemented, []);
    assert.deepEqual(config.extraOutputFormats, SUGGESTED.map((format) => ({ format, suggested: true })));
    const matched = loadConfig(configFile(`append_output:
  - match: {source: syscall, tags: [container]}
    extra_output: "on %proc.name"
    suggested_output: true
`)).config.extraOutputFormats;
    assert.deepEqual(matched, [
      { source: 'syscall', tags: ['container'], format: 'on %proc.name' },
      ...SUGGESTED.map((format) => ({ source: 'syscall', tags: ['container'], format, suggested: true })),
    ]);
  });

  it('false or absent: nothing suggested', () => {
    assert.deepEqual(loadConfig(configFile('append_output:\n  - suggested_output: false\n')).config.extraOutputFormats, []);
    assert.deepEqual(loadConfig(configFile('append_output:\n  - extra_output: x\n')).config.extraOutputFormats, [{ format: 'x' }]);
  });
});

describe('webserver and metrics', () => {
  it("webserver: off unless enabled; then Falco's port and endpoint, on loopback unless an address is given", () => {
    assert.equal(loadConfig(configFile('webserver: {listen_port: 9000}\n')).config.webserver, undefined);
    assert.deepEqual(loadConfig(configFile('webserver: {enabled: true}\n')).config.webserver, {
      listenAddress: '127.0.0.1', listenPort: 8765, healthzEndpoint: '/healthz', prometheusMetrics: false,
    });
    // A user's 0.0.0.0 (or ::) is honoured; ssl_certificate only counts with ssl_enabled, Falco's path by default.
    const web = loadConfig(configFile('webserver:\n  enabled: true\n  listen_address: 0.0.0.0\n  listen_port: 0\n  k8s_healthz_endpoint: /live\n'
      + '  prometheus_metrics_enabled: true\n  ssl_enabled: true\n  threadiness: 4\n')).config.webserver;
    assert.deepEqual(web, {
      listenAddress: '0.0.0.0', listenPort: 0, healthzEndpoint: '/live', prometheusMetrics: true, sslCertificate: '/etc/falco/falco.pem',
    });
    assert.equal(loadConfig(configFile('webserver: {enabled: true, listen_address: "::"}\n')).config.webserver?.listenAddress, '::');
  });

  it('bad webserver values are one line naming the file', () => {
    assert.match(loadError('webserver: {enabled: true, listen_address: my-host}\n'), /^Error reading config file \(.*\): webserver listen address "my-host" is not a valid IP address$/);
    assert.match(loadError('webserver: {enabled: true, listen_port: 65536}\n'), /webserver listen port 65536 is not a port number \(0 to 65535\)/);
    assert.match(loadError('webserver: {enabled: true, listen_port: -1}\n'), /webserver listen port -1 is not a port number/);
    assert.match(loadError('webserver: {enabled: true, k8s_healthz_endpoint: healthz}\n'), /k8s_healthz_endpoint "healthz" must be a path starting with \//);
    assert.match(loadError('webserver: {enabled: true, ssl_enabled: maybe}\n'), /'webserver.ssl_enabled' must be a boolean/);
  });

  it("metrics: Falco's defaults; interval as a Prometheus duration or milliseconds", () => {
    const off = loadConfig(configFile('stdout_output: {enabled: true}\n')).config.metrics;
    assert.deepEqual(off, {
      enabled: false, intervalMs: 5000, outputRule: false, outputFile: '', rulesCounters: true, resourceUtilization: true,
      stateCounters: true, kernelEventCounters: true, convertMemoryToMb: true, includeEmptyValues: false,
    });
    const interval = (text: string) => loadConfig(configFile(`metrics: {enabled: true, interval: ${text}}\n`)).config.metrics.intervalMs;
    assert.equal(interval('1h'), 3_600_000);
    assert.equal(interval('1m30s'), 90_000);
    assert.equal(interval('250ms'), 250);
    assert.equal(interval('2d'), 172_800_000);
    assert.equal(interval('1500'), 1500);
    assert.match(loadError('metrics: {enabled: true, interval: 99ms}\n'), /^Metrics interval must have a minimum value of 100ms/);
    assert.match(loadError('metrics: {enabled: true, interval: 1.5s}\n'), /Prometheus compliant time duration format/);
    // Not checked while metrics are off, as Falco.
    assert.equal(loadConfig(configFile('metrics: {enabled: false, interval: soon}\n')).config.metrics.enabled, false);
  });

  it('counters ghostwatch does not have are reported as not implemented, each by name', () => {
    const { unimplemented } = loadConfig(configFile('metrics: {enabled: true, libbpf_stats_enabled: true, jemalloc_stats_enabled: false, output_rule: true}\n'));
    assert.deepEqual(unimplemented, ['metrics.libbpf_stats_enabled', 'metrics.jemalloc_stats_enabled']);
  });
});

describe('flight_recorder', () => {
  it('off by default and when not enabled; on, with its defaults', () => {
    assert.equal(loadConfig(configFile('stdout_output: {enabled: true}\n')).config.flightRecorder, undefined);
    assert.equal(loadConfig(undefined).config.flightRecorder, undefined);
    assert.deepEqual(loadConfig(configFile('flight_recorder: {enabled: true}\n')).config.flightRecorder, {
      beforeS: 10, afterS: 5, maxBytes: 64 * 1024 * 1024, dir: '/var/lib/ghostwatch/flight-recorder', maxFiles: 50, rules: [], minPriority: 7,
    });
    const set = loadConfig(undefined, ['flight_recorder.enabled=true', 'flight_recorder.before_s=2.5', 'flight_recorder.rules[]=Read sensitive file untrusted',
      'flight_recorder.priority=warning', 'flight_recorder.dir=/tmp/x', 'flight_recorder.max_files=3']).config.flightRecorder;
    assert.deepEqual(set, { beforeS: 2.5, afterS: 5, maxBytes: 64 * 1024 * 1024, dir: '/tmp/x', maxFiles: 3, rules: ['Read sensitive file untrusted'], minPriority: 4 });
  });

  it('bad values are one line naming the key', () => {
    assert.match(loadError('flight_recorder: {enabled: true, priority: loud}\n'), /flight_recorder\.priority: unknown priority "loud"/);
    assert.match(loadError('flight_recorder: {enabled: true, max_bytes: 100}\n'), /flight_recorder\.max_bytes must be a whole number of bytes, at least 1048576/);
    assert.match(loadError('flight_recorder: {enabled: true, before_s: -1}\n'), /flight_recorder\.before_s and after_s must be numbers of seconds/);
    assert.match(loadError('flight_recorder: {enabled: true, max_files: 1.5}\n'), /line 1: 'flight_recorder\.max_files' must be an integer, got '1\.5'/);
    assert.match(loadError('flight_recorder: {enabled: true, max_files: -1}\n'), /flight_recorder\.max_files must be a whole number/);
    assert.match(loadError('flight_recorder: {enabled: true, dir: ""}\n'), /flight_recorder\.dir must name a directory/);
  });
});
