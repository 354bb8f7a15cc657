// The rest of Falco's command line on `ghostwatch run` (and `ghostwatch --version`): each option's
// exit status and the shape of what it prints (parsed, not compared with a fixed text where it
// holds versions or dates), and the misuses that are one line on stderr with exit status 1.
// Needs `npm run build`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { OneRuleDescription, RulesDescription } from '../../src/rules/index.js';
import { repoRoot } from '../helpers.js';
import { assertOneLineError, catWrite, ghostwatch as spawnGhostwatch, QUIET_CONFIG, type Result, scratch, skip } from './harness.js';

// The JSON documents the options print, as far as the tests read them.
interface VersionJson {
  engine_version_semver: string;
  engine_version: string;
  ghostwatch_version: string;
  driver_schema_version: string;
  plugin_versions: Record<string, string>;
}
interface SupportJson {
  version: string;
  engine_info: VersionJson;
  system_info: Record<string, string>;
  cmdline: string;
  config: string;
  rules_files: unknown;
}
interface EventJson {
  name: string;
  dir: string;
  available: boolean;
  params: { name: string; type: string; flags?: string[] }[];
}
interface FieldClassJson {
  name: string;
  event_sources: string[];
  fields: { name: string; argument: unknown }[];
}
interface SchemaJson {
  $schema?: string;
  $ref?: string;
  type?: string;
  additionalProperties?: boolean;
  properties?: Record<string, SchemaJson>;
  definitions?: Record<string, SchemaJson>;
  items?: SchemaJson;
}

const { dir, file } = scratch('gw-falco-options-');

const RULES = file('rules.yaml', `
- list: cat_names
  items: [cat]
- macro: is_cat
  condition: proc.name in (cat_names)
- rule: open_from_cat
  desc: A process named cat does an open
  condition: evt.type = open and is_cat
  output: "An open was seen (command=%proc.cmdline file=%fd.name)"
  priority: WARNING
  tags: [filesystem]
- rule: exec_of_cat
  desc: cat is started
  condition: evt.type = execve and is_cat
  output: "cat started (%proc.cmdline) in %container.name"
  priority: NOTICE
  tags: [process]
`);
const QUIET = file('quiet.yaml', QUIET_CONFIG);

/** `ghostwatch ARGS` (top-level command included). */
const ghostwatch = (args: string[], opts: { onSpawn?: (pid: number) => void } = {}) => spawnGhostwatch(args, dir, opts);
const run = (...args: string[]) => ghostwatch(['run', '-c', QUIET, ...args]);

function ok(r: Result): Result {
  assert.equal(r.status, 0, r.stderr);
  return r;
}

const SEMVER = /^\d+\.\d+\.\d+$/;

describe('ghostwatch run: Falco\'s other options', { skip }, () => {
  it('--version: the versions in Falco\'s layout; JSON with json_output, at the top level too', async () => {
    const text = ok(await ghostwatch(['--version', '-c', QUIET])).stdout;
    assert.match(text, /^ghostwatch version: \d+\.\d+\.\d+\nEngine: +0\.63\.0\nDriver:\n {2}Schema version: \d+\.\d+\.\d+\n$/);
    for (const args of [['--version', '-c', QUIET, '-o', 'json_output=true'], ['run', '--version', '-c', QUIET, '-o', 'json_output=true']]) {
      const v = JSON.parse(ok(await ghostwatch(args)).stdout) as VersionJson;
      assert.equal(v.engine_version_semver, '0.63.0');
      assert.equal(v.engine_version, '63');
      assert.match(v.ghostwatch_version, SEMVER);
      assert.match(v.driver_schema_version, SEMVER);
      assert.equal(v.plugin_versions.container, '0.7.1');
    }
  });

  it('--support: versions, system, command line, configuration and each rules file with its content and hash', async () => {
    const r = ok(await run('-r', RULES, '--support', '-o', 'json_output=true'));
    const s = JSON.parse(r.stdout) as SupportJson;
    assert.deepEqual(Object.keys(s).sort(), ['cmdline', 'config', 'engine_info', 'rules_files', 'system_info', 'version']);
    assert.match(s.version, SEMVER);
    assert.equal(s.engine_info.engine_version_semver, '0.63.0');
    assert.deepEqual(Object.keys(s.system_info).sort(), ['machine', 'nodename', 'release', 'sysname', 'version']);
    assert.equal(s.system_info.sysname, 'Linux');
    assert.match(s.cmdline, /ghostwatch run -c .*quiet\.yaml -r .*rules\.yaml --support -o json_output=true$/);
    // The effective configuration: the file with -o applied, every value as text (as yaml-cpp keeps it).
    assert.deepEqual(JSON.parse(s.config) as unknown, { stdout_output: { enabled: 'true' }, log_stderr: 'false', json_output: 'true' });
    const content = readFileSync(RULES, 'utf8');
    assert.deepEqual(s.rules_files, [{ name: RULES, sha256: createHash('sha256').update(content).digest('hex'), variants: [{ content }] }]);
  });

  it('--list-events: every syscall, tracepoint and meta event with its direction and parameters, in three formats', async () => {
    const text = ok(await run('--list-events')).stdout;
    assert.match(text, /^The events below are valid for Falco \*Schema Version\*: \d+\.\d+\.\d+\n## Syscall events\n\n/);
    const sections = [...text.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(sections, ['Syscall events', 'Tracepoint events', 'Plugin events', 'Metaevents']);
    const lines = text.split('\n').filter((l) => /^[<>] /.test(l));
    assert.ok(lines.length > 500, `${lines.length} events`);
    for (const l of lines) assert.match(l, /^[<>] [a-z0-9_]+\(([A-Z0-9_]+ \*\*[^*]+\*\*(: [^,]+(, [^,*]+)*)?(, )?)*\)$/, l);
    assert.ok(lines.includes('> execve(FSPATH **filename**)') || lines.some((l) => l.startsWith('< execve(')));
    // A system call with no event of its own appears through the generic events.
    assert.ok(lines.includes('> syncfs(SYSCALLID **ID**, UINT16 **nativeID**)'));

    const md = ok(await run('--list-events', '--format', 'markdown')).stdout;
    assert.match(md, /## Tracepoint events\n\nDefault \| Dir \| Name \| Params \n:-------\|:----\|:-----\|:-----\n(Yes|No) \| `>` \| `switch` \| PID \*\*next\*\*/);
    assert.match(md, /^No \| `<` \| `read` \| /m);

    const json = JSON.parse(ok(await run('--list-events', '--format', 'json')).stdout) as Record<string, EventJson[]>;
    assert.deepEqual(Object.keys(json).sort(), ['Metaevents', 'Plugin events', 'Syscall events', 'Tracepoint events', 'schema_version']);
    const open = json['Syscall events'].find((e) => e.name === 'open' && e.dir === '<');
    assert.ok(open);
    assert.equal(open.available, true);
    assert.deepEqual(open.params[0], { name: 'fd', type: 'FD' });
    assert.ok(open.params.find((p) => p.name === 'flags')?.flags?.includes('O_RDONLY'));
    assert.ok(json.Metaevents.some((e) => e.name === 'container'));
    assert.ok(json['Tracepoint events'].some((e) => e.name === 'procexit'));
  });

  it('--format and --markdown: misuse is one line and exit 1; --markdown still works, with a warning', async () => {
    assertOneLineError(await run('--list-events', '--format', 'xml'), /^Error: Invalid format 'xml'\. Valid values are: text, markdown, json$/m);
    assertOneLineError(await run('--list', '--format', 'json', '--markdown'), /^Error: Cannot specify both --markdown and --format options together$/m);
    const md = await run('--list-events', '--markdown');
    assert.equal(md.status, 0);
    assert.equal(md.stderr, 'WARNING: --markdown is deprecated, use --format markdown instead.\n');
    assert.match(md.stdout, /^Default \| Dir \| Name \| Params $/m);
  });

  it('--list: -N prints the names only; markdown and JSON field classes', async () => {
    const names = ok(await run('--list', 'syscall', '-N')).stdout.trim().split('\n');
    assert.ok(names.includes('proc.name') && names.includes('container.id') && names.includes('fd.name'));
    for (const n of names) assert.match(n, /^[a-z0-9_]+(\.[a-zA-Z0-9_]+)+$/);
    assert.deepEqual(JSON.parse(ok(await run('--list', 'syscall', '-N', '--format', 'json')).stdout) as unknown, { fieldnames: names });
    // Every source: the syscall fields, then the k8s_audit ones (the generic evt fields, shared, listed once).
    const all = ok(await run('--list', '-N')).stdout.trim().split('\n');
    assert.deepEqual(all.slice(0, names.length), names);
    assert.ok(all.includes('ka.req.pod.containers.privileged') && all.includes('jevt.value') && !all.slice(names.length).includes('evt.time'));
    const k8s = ok(await run('--list', 'k8s_audit', '-N')).stdout.trim().split('\n');
    assert.equal(k8s.filter((n) => n.startsWith('ka.')).length, 100);
    assert.ok(k8s.includes('evt.time') && k8s.includes('json.value') && !k8s.includes('proc.name'));
    const md = ok(await run('--list', '--format', 'markdown')).stdout;
    assert.match(md, /^## Field Class: evt\n\n.*\n\nEvent Sources: k8s_audit syscall \n\nName \| Type \| Description\n:----\|:-----\|:-----------\n`evt\.num` \| UINT64 \| /);
    const json = JSON.parse(ok(await run('--list', '--format', 'json')).stdout) as { fieldclasses: FieldClassJson[] };
    const proc = json.fieldclasses.find((c) => c.name === 'process');
    assert.ok(proc);
    assert.deepEqual(proc.event_sources, ['syscall']);
    const aname = proc.fields.find((f) => f.name === 'proc.aname');
    assert.ok(aname);
    assert.deepEqual(Object.keys(aname).sort(), ['argument', 'desc', 'is_list', 'name', 'type']);
    assert.deepEqual(aname.argument, { required: false, type: ['INDEX'] });
    const sources = (JSON.parse(ok(await run('--list', '--format', 'json')).stdout) as { fieldclasses: FieldClassJson[] }).fieldclasses;
    assert.deepEqual(sources.find((c) => c.name === 'evt')?.event_sources, ['k8s_audit', 'syscall']);
    assert.deepEqual(sources.find((c) => c.name === 'k8saudit (plugin)')?.event_sources, ['k8s_audit']);
    assertOneLineError(await run('--list', 'cloudtrail'), /^Error: Value for --list must be a valid source type$/m);
  });

  it('-i: the system calls ignored by default for performance', async () => {
    const r = ok(await run('-i'));
    assert.match(r.stdout, /^Ignored syscall\(s\):\n(- [a-z0-9_]+\n)+\n$/);
    const ignored = r.stdout.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
    for (const n of ['read', 'write', 'readv', 'writev', 'pread', 'pwrite']) assert.ok(ignored.includes(n), n);
    // The calls the state needs stay (a connection's addresses come from them).
    for (const n of ['sendto', 'recvfrom', 'open', 'execve']) assert.ok(!ignored.includes(n), n);
  });

  it('--page-size: the system page size', async () => {
    const r = ok(await run('--page-size'));
    const m = /^Your system page size is: (\d+) bytes\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    let getconf: string | undefined;
    try {
      getconf = execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim();
    } catch {
      getconf = undefined;
    }
    if (getconf !== undefined) assert.equal(m[1], getconf);
  });

  it('--config-schema and --rule-schema: JSON Schemas (draft-06)', async () => {
    const config = JSON.parse(ok(await run('--config-schema')).stdout) as SchemaJson;
    assert.equal(config.$schema, 'http://json-schema.org/draft-06/schema#');
    assert.equal(config.type, 'object');
    assert.equal(config.additionalProperties, false);
    const init = config.definitions?.ContainerInitConfig.properties ?? {};
    assert.ok('lookup_timeout_ms' in init && 'new_container_wait_ms' in init && 'cri' in (init.engines.properties ?? {}));
    assert.deepEqual(Object.keys(config.properties?.engine.properties ?? {}).sort(), ['ebpf', 'gvisor', 'kind', 'kmod', 'modern_ebpf', 'nodriver', 'replay']);
    const rules = JSON.parse(ok(await run('--rule-schema')).stdout) as SchemaJson;
    assert.deepEqual(rules.items, { $ref: '#/definitions/FalcoRule' });
    assert.deepEqual(Object.keys(rules.definitions ?? {}).sort(),
      ['Alternative', 'Exception', 'FalcoRule', 'Item', 'OverriddenItem', 'Override', 'Priority', 'RequiredPluginVersion']);
  });

  it('-P: the pid file exists while ghostwatch runs, and is removed at exit', async () => {
    const pidfile = join(dir, 'ghostwatch.pid');
    let pid = 0;
    const running = run('-r', RULES, '-e', catWrite!, '-M', '20', '-P', pidfile);
    const child = ghostwatch(['run', '-c', QUIET, '-r', RULES, '-o', 'engine.kind=nodriver', '-M', '20', '-P', `${pidfile}.2`], { onSpawn: (p) => (pid = p) });
    for (let i = 0; i < 100 && !(existsSync(pidfile) && existsSync(`${pidfile}.2`)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(readFileSync(`${pidfile}.2`, 'utf8'), String(pid));
    assert.match(readFileSync(pidfile, 'utf8'), /^\d+$/);
    process.kill(Number(readFileSync(pidfile, 'utf8')), 'SIGTERM');
    process.kill(pid, 'SIGINT');
    ok(await running);
    ok(await child);
    assert.ok(!existsSync(pidfile) && !existsSync(`${pidfile}.2`));
    assertOneLineError(await run('-r', RULES, '-e', catWrite!, '-P', join(dir, 'no', 'such', 'dir.pid')), /^Error: Could not write pid to pidfile .*dir\.pid\. Exiting\.$/m);
  });

  it('--list-plugins and --plugin-info: the built-in container plugin, in Falco\'s format', async () => {
    const list = ok(await run('--list-plugins')).stdout;
    assert.match(list, /^1 Plugins Loaded:\n\nName: container\nDescription: .+\nContact: .+\nVersion: \d+\.\d+\.\d+\nCapabilities: \n {2}- Field Extraction\n {2}- Event Parsing\n {2}- Async Events\n\n\n$/);
    const withPlugins = file('plugins.yaml', 'stdout_output: {enabled: true}\nlog_stderr: false\nplugins: [{name: container, library_path: libcontainer.so}]\n');
    for (const name of ['container', 'libcontainer.so']) {
      const info = ok(await ghostwatch(['run', '-c', withPlugins, '--plugin-info', name])).stdout;
      const m = /^Name: container\n[^]*\n\nInit config schema type: JSON\n(.*)\n\n$/.exec(info);
      assert.ok(m, info);
      assert.ok((JSON.parse(m[1]) as SchemaJson).properties?.new_container_wait_ms);
    }
    // k8saudit and json are built in too (in effect when the configuration loads them).
    const k8s = ok(await run('--plugin-info', 'k8saudit')).stdout;
    assert.match(k8s, /^Name: k8saudit\n[^]*Version: 0\.18\.0\nCapabilities: \n {2}- Event Sourcing \(ID=1, source='k8s_audit'\)\n {2}- Field Extraction\n/);
    assert.match(k8s, /"maxEventSize"/);
    assert.match(ok(await run('--plugin-info', 'json')).stdout, /^Name: json\n/);
    assertOneLineError(await run('--plugin-info', 'cloudtrail'), /^Error: can't find plugin and print its info: cloudtrail$/m);
    assertOneLineError(await run('--plugin-info', 'nope'), /^Error: can't find plugin and print its info: nope$/m);
  });

  it('engine.kind: replay reads the capture as -e does; nodriver reads nothing; other kinds are one line and exit 1', async () => {
    const e = ok(await run('-r', RULES, '-e', catWrite!, '-v'));
    const replay = ok(await run('-r', RULES, '-o', 'engine.kind=replay', '-o', `engine.replay.capture_file=${catWrite!}`, '-v'));
    assert.match(replay.stdout, /Events detected: 9\n/);
    assert.equal(replay.stdout, e.stdout);
    const nodriver = ok(await run('-r', RULES, '-o', 'engine.kind=nodriver', '-M', '1', '-v'));
    assert.equal(nodriver.stdout, 'Events detected: 0\nRule counts by severity:\nTriggered rules by rule name:\n');
    assertOneLineError(await run('-r', RULES, '-o', 'engine.kind=kmod'), /engine\.kind 'kmod' is not supported by ghostwatch/);
    assertOneLineError(await run('-r', RULES, '-o', 'engine.kind=gvisor', '--dry-run'), /engine\.kind 'gvisor' is not supported by ghostwatch/);
    assertOneLineError(await run('-r', RULES, '-o', 'engine.kind=bogus'), /engine\.kind 'bogus' is not a valid kind/);
    assertOneLineError(await run('-r', RULES, '-o', 'engine.kind=replay'), /engine\.kind is 'replay' but no engine\.replay\.capture_file specified\.$/m);
    assertOneLineError(await run('-r', RULES, '-o', 'engine.kind=modern_ebpf', '-o', 'engine.modern_ebpf.buf_size_preset=11', '--dry-run'),
      /^Error: The 'buf_size_preset' value must be between '1' and '10'$/m);
    ok(await run('-r', RULES, '-o', 'engine.kind=modern_ebpf', '-o', 'engine.modern_ebpf.cpus_for_each_buffer=4', '-o', 'engine.modern_ebpf.buf_size_preset=2', '--dry-run'));
  });

  it('--enable-source and --disable-source: syscall only; mixing them, an unknown source or none left are one line and exit 1', async () => {
    ok(await run('-r', RULES, '--enable-source', 'syscall', '--dry-run'));
    assertOneLineError(await run('-r', RULES, '--enable-source', 'syscall', '--disable-source', 'syscall', '--dry-run'),
      /^Error: You can not mix --enable-source and --disable-source$/m);
    assertOneLineError(await run('-r', RULES, '--enable-source', 'k8s_audit', '--dry-run'), /^Error: Attempted enabling an unknown event source: k8s_audit$/m);
    assertOneLineError(await run('-r', RULES, '--disable-source', 'syscall', '--dry-run'), /^Error: Must enable at least one event source$/m);
    // As in Falco, they do not apply to a capture.
    ok(await run('-r', RULES, '--disable-source', 'syscall', '-e', catWrite!));
  });

  it('-L and -l with json_output: Falco\'s JSON; the selection does not change what is listed, as in Falco', async () => {
    const all = JSON.parse(ok(await run('-r', RULES, '-L', '-o', 'json_output=true', '-D', 'open')).stdout) as RulesDescription;
    assert.deepEqual(Object.keys(all), ['lists', 'macros', 'required_engine_version', 'required_plugin_versions', 'rules']);
    assert.deepEqual(all.rules.map((r) => [r.info.name, r.info.enabled]), [['open_from_cat', true], ['exec_of_cat', true]]);
    assert.deepEqual(all.macros[0].details.lists, ['cat_names']);
    assert.deepEqual(all.lists[0].details, { items_compiled: ['cat'], lists: [], plugins: [], used: true });
    const one = JSON.parse(ok(await run('-r', RULES, '-l', 'exec_of_cat', '-o', 'json_output=true')).stdout) as OneRuleDescription;
    assert.equal(one.rules.length, 1);
    assert.equal(one.rules[0].details.condition_compiled, '(evt.type = execve and proc.name in (cat))');
    assert.deepEqual(one.rules[0].details.plugins, ['container']);
    const text = ok(await run('-r', RULES, '-l', 'exec_of_cat')).stdout;
    assert.equal(text, `${'Rule'.padEnd(50)} Description\n${'----'.padEnd(50)} -----------\n${'exec_of_cat'.padEnd(50)} cat is started \n\n`);
    assertOneLineError(await run('-r', RULES, '-l', 'nope'), /^Error: Rule "nope" is not loaded$/m);
    assertOneLineError(await run('-r', RULES, '-l', 'nope', '-o', 'json_output=true'), /^Error: Rule "nope" is not loaded$/m);
  });

  it('the README\'s usage names every option of run', async () => {
    const help = ok(await ghostwatch(['run', '--help'])).stdout;
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const usage = readme.slice(readme.indexOf('## Usage'), readme.indexOf('## Layout'));
    // Each option by one of its names: -o or --option.
    const options = [...help.matchAll(/^ {2}(-\w|--[\w-]+)(?:, (--[\w-]+))?/gm)].map((m) => [m[1], m.at(2)].filter((f) => f !== undefined));
    assert.ok(options.length > 30, options.join(' '));
    const named = (f: string) => new RegExp(`(^|[\\s\`\\[|(])${f}([\\s\`\\]|),=]|$)`, 'm').test(usage);
    assert.deepEqual(options.filter((names) => !names.some(named)), []);
  });
});
