// ghostwatch's command line. Each subcommand lives in its own module; this file only declares
// the flags (sysdig's for `events`) and turns every error into one line on stderr and exit 1.
// A subcommand's module is imported only when that subcommand runs: `events -r` never loads the
// rules engine, the outputs (NATS, Loki, HTTP), YAML or the metrics, and starts that much sooner
// (in the bundle each subcommand is a chunk of its own, see scripts/bundle.mjs).
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { TimeType } from '../fields/spec.js';
import { DEFAULT_SNAPLEN, MAX_SNAPLEN } from '../probe/events.js';
import type { ContainerSockets } from './containers.js';
import { reportError } from './errors.js';

/** What commander parses for each subcommand (flags without a value are true when given). */
interface SocketFlags {
  readonly cri: string[];
  readonly docker: string[];
  readonly podman: string[];
}

interface EventsFlags extends SocketFlags {
  readonly read?: string;
  readonly print?: string;
  readonly write?: string;
  readonly compress?: true;
  readonly number?: number;
  readonly verbose?: true;
  readonly printAscii?: true;
  readonly printHexAscii?: true;
  readonly printHex?: true;
  readonly printBase64?: true;
  readonly json?: true;
  readonly timetype?: TimeType;
  readonly snaplen?: number;
  readonly summary?: true;
}

interface CaptureFlags extends SocketFlags {
  readonly write: string;
  readonly M?: number;
  readonly number?: number;
  readonly snaplen?: number;
}

interface RunFlags {
  readonly r: string[];
  readonly e?: string;
  readonly c?: string;
  readonly option: string[];
  readonly A?: true;
  readonly D: string[];
  readonly t: string[];
  readonly T: string[];
  readonly M: number;
  readonly v?: true;
  readonly L?: true;
  readonly l?: string;
  readonly list?: true | string;
  readonly listEvents?: true;
  readonly format?: string;
  readonly markdown?: true;
  readonly N?: true;
  readonly i?: true;
  readonly validate: string[];
  readonly dryRun?: true;
  readonly unbuffered?: true;
  readonly print?: string;
  readonly pidfile?: string;
  readonly enableSource: string[];
  readonly disableSource: string[];
  readonly version?: true;
  readonly support?: true;
  readonly pageSize?: true;
  readonly configSchema?: true;
  readonly ruleSchema?: true;
  readonly listPlugins?: true;
  readonly pluginInfo?: string;
}

// Set before the subcommands are declared: they inherit both. commander's own errors (an unknown
// option, a missing argument, a value an option's parser rejects) become one line "Error: ...".
const program = new Command('ghostwatch')
  .description('Runtime threat detection for Linux hosts and Kubernetes nodes (Falco/sysdig compatible)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`${commanderErrorLine(s)}\n`) });

program
  .command('events')
  .description('print the events of a capture (-r), or of the live system (as root), like sysdig')
  .option('-r, --read <capture>', 'capture file to read (scap, plain or gzip); without it, the live system until SIGINT/SIGTERM')
  .option('-p, --print <format>', "output format, sysdig's syntax (%field, %field[arg], leading * keeps lines with missing fields)")
  .option('-w, --write <file>', 'write the kept events to a capture file instead of printing them')
  .option('-z, --compress', 'gzip the capture written with -w')
  .option('-n, --number <count>', 'stop after this many events', (v) => positiveInt(v, '-n'))
  .option('-v, --verbose', 'print long parameters and buffers in full')
  .option('-A, --print-ascii', 'print only the text part of data buffers')
  .option('-x, --print-hex', 'print data buffers in hex')
  .option('-X, --print-hex-ascii', 'print data buffers in hex and ASCII')
  .option('-b, --print-base64', 'print data buffers in base64')
  .option('-j, --json', 'print each event as a JSON object of its fields, one per line (as sysdig -j)')
  .option('-t, --timetype <type>', 'how %evt.outputtime prints: h (human-readable, the default), a (absolute s.ns), r (since the first event), d (the call\'s latency), D (since the previous event)', timeType)
  .option('-s, --snaplen <len>', `live: keep the first <len> bytes of each I/O buffer (default ${DEFAULT_SNAPLEN}, at most ${MAX_SNAPLEN})`, snaplen)
  .option('-S, --summary', 'print the event summary (the events seen, by number of calls) at the end')
  .option('--cri <path>', "live: a CRI runtime's socket to ask about containers, instead of the default ones (repeatable, as sysdig's)", collect, [])
  .option('--docker <path>', "live: a Docker Engine API socket to ask about containers, instead of /var/run/docker.sock (repeatable)", collect, [])
  .option('--podman <path>', "live: podman's API socket to ask about containers, instead of /run/podman/podman.sock (repeatable)", collect, [])
  .argument('[filter...]', 'filter condition (sysdig/Falco syntax)')
  .action(async (filter: string[], opts: EventsFlags) => {
    const { runEvents } = await import('./events.js');
    process.exitCode = await runEvents({
      containers: containerSockets(opts),
      file: opts.read,
      format: opts.print,
      write: opts.write,
      compress: opts.compress === true,
      count: opts.number,
      verbose: opts.verbose === true,
      bufferFormat: opts.printAscii === true ? 'ascii' : opts.printHexAscii === true ? 'hexascii' : opts.printHex === true ? 'hex'
        : opts.printBase64 === true ? 'base64' : 'normal',
      filter: filter.length > 0 ? filter.join(' ') : undefined,
      json: opts.json === true,
      timeType: opts.timetype,
      snaplen: opts.snaplen,
      summary: opts.summary === true,
    });
  });

program
  .command('capture')
  .description('record the live system (as root) into a capture file that sysdig and `ghostwatch events -r` read')
  .requiredOption('-w, --write <file>', 'capture file to write')
  .option('-M <seconds>', 'stop after this many seconds (default: at SIGINT/SIGTERM)', (v) => positiveInt(v, '-M'))
  .option('-n, --number <count>', 'stop after this many events are written', (v) => positiveInt(v, '-n'))
  .option('-s, --snaplen <len>', `keep the first <len> bytes of each I/O buffer (default ${DEFAULT_SNAPLEN}, at most ${MAX_SNAPLEN})`, snaplen)
  .option('--cri <path>', "a CRI runtime's socket to ask about containers, instead of the default ones (repeatable, as sysdig's)", collect, [])
  .option('--docker <path>', 'a Docker Engine API socket to ask about containers, instead of /var/run/docker.sock (repeatable)', collect, [])
  .option('--podman <path>', "podman's API socket to ask about containers, instead of /run/podman/podman.sock (repeatable)", collect, [])
  .argument('[filter...]', 'keep only the events this condition matches (sysdig/Falco syntax), plus the state they need')
  .action(async (filter: string[], opts: CaptureFlags) => {
    const { runCapture } = await import('./capture.js');
    process.exitCode = await runCapture({
      containers: containerSockets(opts),
      write: opts.write,
      ...(opts.M !== undefined && { durationSeconds: opts.M }),
      ...(opts.number !== undefined && { count: opts.number }),
      ...(opts.snaplen !== undefined && { snaplen: opts.snaplen }),
      ...(filter.length > 0 && { filter: filter.join(' ') }),
    });
  });

program
  .command('fields')
  .description('list every field with its type and description')
  .option('--brief', 'leave out the types, like sysdig -l')
  .action(async (opts: { brief?: true }) => {
    const { printFields } = await import('./fields.js');
    printFields(opts.brief === true);
  });

interface TestFlags extends SocketFlags {
  readonly junit?: string;
  readonly record?: string;
  readonly r: string[];
  readonly option: string[];
  readonly M?: number;
  readonly name?: string;
}

program
  .command('test')
  .description('run rule test files (docs/rule-tests.md): one line per case, a summary, exit 1 on any failure')
  .option('--junit <file>', 'also write the results as JUnit XML, for CI systems')
  .option('--record <file>', 'record the live system (as root) until SIGINT or -M seconds and add a case to this test file expecting the alerts raised')
  .option('-r <path>', 'with --record: rules file or directory the case loads; repeatable', collect, [])
  .option('-o, --option <key=value>', 'with --record: a configuration override the case runs with; repeatable', collect, [])
  .option('-M <seconds>', 'with --record: stop after this many seconds', (v) => positiveInt(v, '-M'))
  .option('--name <name>', 'with --record: the name of the case (default: recorded TIME)')
  .option('--cri <path>', "with --record: a CRI runtime's socket to ask about containers (repeatable)", collect, [])
  .option('--docker <path>', 'with --record: a Docker Engine API socket to ask about containers (repeatable)', collect, [])
  .option('--podman <path>', "with --record: podman's API socket to ask about containers (repeatable)", collect, [])
  .argument('[paths...]', 'test files, or directories searched for *.test.yaml (default: the current directory)')
  .action(async (paths: string[], opts: TestFlags) => {
    const record = opts.record;
    const { recordRuleTest, runRuleTests } = await import('./test.js');
    process.exitCode = record !== undefined
      ? await recordRuleTest({
        file: record, rules: opts.r, options: opts.option, containers: containerSockets(opts),
        ...(opts.M !== undefined && { durationSeconds: opts.M }), ...(opts.name !== undefined && { name: opts.name }),
      })
      : await runRuleTests({ paths, ...(opts.junit !== undefined && { junit: opts.junit }) });
  });

/** A repeatable option's values. */
function collect(v: string, all: string[]): string[] {
  return [...all, v];
}

/** --cri, --docker and --podman: the sockets given for each engine (an engine not named keeps its defaults). */
function containerSockets(opts: SocketFlags): ContainerSockets {
  return {
    ...(opts.cri.length > 0 && { cri: opts.cri }),
    ...(opts.docker.length > 0 && { docker: opts.docker }),
    ...(opts.podman.length > 0 && { podman: opts.podman }),
  };
}

program
  .command('run')
  .description('detect threats with Falco rules, as falco does: rules, configuration, outputs and flags of Falco')
  .option('-r <path>', 'rules file or directory (its *.yaml files in name order); repeatable; default: rules_files of the configuration', collect, [])
  .option('-e <capture>', 'read the events of a capture file (scap, plain or gzip) instead of the live system (as -o engine.kind=replay -o engine.replay.capture_file=CAPTURE)')
  .option('-c <config>', 'configuration file (falco.yaml format); default: config/ghostwatch.yaml of the package')
  .option('-o, --option <key=value>', 'set a configuration value: key=value, section.key=value, list[]=value; repeatable', collect, [])
  // Falco's -A: with a capture file every event is evaluated already (in Falco too, -A affects live captures only).
  .option('-A', 'monitor all events, including the high-volume I/O calls Falco leaves out by default (live only, as in Falco)')
  .option('-D <substring>', 'disable the rules whose name contains this text; repeatable', collect, [])
  .option('-t <tag>', 'run only the rules with this tag; repeatable', collect, [])
  .option('-T <tag>', 'disable the rules with this tag; repeatable', collect, [])
  .option('-M <seconds>', 'stop after this many seconds (of event time, for a capture)', (v) => positiveInt(v, '-M'), 0)
  .option('-v', 'verbose: rule warnings in full (also when the log is off), and at the end the counts of detections')
  .option('-L', 'list the loaded rules with their descriptions, then exit (with json_output: every rule, macro and list in detail, in JSON)')
  .option('-l <rule>', 'show the description of this rule, then exit (with json_output: its details, in JSON)')
  .option('--list [source]', 'list the fields rules can use (source: syscall), then exit')
  .option('--list-events', 'list every syscall, tracepoint and meta event ghostwatch knows, with its direction and parameters, then exit')
  .option('--format <format>', 'how --list and --list-events print: text, markdown or json')
  .option('--markdown', 'deprecated: --format markdown')
  .option('-N', 'with --list: only the field names')
  .option('-i', 'print the system calls left out by default for performance (-A brings them back), then exit')
  .option('-V, --validate <file>', 'validate this rules file and exit (its load result; JSON with json_output); repeatable', collect, [])
  .option('--dry-run', 'load the configuration, rules and outputs, without reading events')
  .option('-U, --unbuffered', 'write each alert at once (buffered_outputs: false)')
  .option('-p, --print <format>', 'add to every alert: c (container name and id), k (Kubernetes namespace, pod, container), or a format of %fields')
  .option('-P, --pidfile <file>', 'write the process id to this file (removed at exit)')
  .option('--enable-source <source>', 'enable only this event source (syscall); repeatable; not with --disable-source', collect, [])
  .option('--disable-source <source>', 'disable this event source; repeatable; not with --enable-source', collect, [])
  .option('--version', 'print the versions (ghostwatch, the Falco engine it implements, the probe\'s event schema; JSON with json_output), then exit')
  .option('--support', 'print support information in JSON (versions, system, command line, configuration, rules files), then exit')
  .option('--page-size', 'print the system page size, then exit')
  .option('--config-schema', "print the JSON Schema of ghostwatch's configuration, then exit")
  .option('--rule-schema', 'print the JSON Schema of rules files, then exit')
  .option('--list-plugins', "describe the Falco plugins ghostwatch has built in, in Falco's format, then exit")
  .option('--plugin-info <name>', "describe this plugin (a name or its configured library_path) and its init_config schema, then exit")
  .action(async (opts: RunFlags) => {
    const { runDetection } = await import('./run.js');
    const status = await runDetection({
      rules: opts.r,
      capture: opts.e,
      config: opts.c,
      options: opts.option,
      disable: opts.D,
      tags: opts.t,
      disableTags: opts.T,
      durationSeconds: opts.M,
      verbose: opts.v === true,
      listRules: opts.L === true,
      describeRule: opts.l,
      listFields: opts.list,
      listEvents: opts.listEvents === true,
      format: opts.format,
      markdown: opts.markdown === true,
      namesOnly: opts.N === true,
      ignoredEvents: opts.i === true,
      validate: opts.validate,
      dryRun: opts.dryRun === true,
      unbuffered: opts.unbuffered === true,
      print: opts.print,
      allEvents: opts.A === true,
      pidfile: opts.pidfile,
      enableSources: opts.enableSource,
      disableSources: opts.disableSource,
      printVersion: opts.version === true,
      support: opts.support === true,
      pageSize: opts.pageSize === true,
      configSchema: opts.configSchema === true,
      ruleSchema: opts.ruleSchema === true,
      listPlugins: opts.listPlugins === true,
      pluginInfo: opts.pluginInfo,
    });
    // Exit now: an output given up at the end (a program that does not end) must not keep ghostwatch
    // alive. Standard output and error first drain: a pipe is written asynchronously, and exiting
    // with writes queued would lose the last alerts.
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    process.exit(status);
  });

/** Resolves once what was written to the stream is out (or the stream failed: nothing more can go). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

/** An option's value that must be a whole number (digits only: not 1.5, 1e3, 0x10 or ''). */
function positiveInt(v: string, flag: string): number {
  // commander reports an InvalidArgumentError as "option '<flags>' argument '<v>' is invalid. <message>".
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${flag} takes a whole number.`);
  return Number(v);
}

/** -s: sysdig's snaplen, within what the probe can copy. */
function snaplen(v: string): number {
  const n = positiveInt(v, '-s');
  if (n > MAX_SNAPLEN) throw new InvalidArgumentError(`-s takes at most ${MAX_SNAPLEN} (bytes of each buffer).`);
  return n;
}

/** -t: sysdig's time formats. */
function timeType(v: string): TimeType {
  if (v === 'h' || v === 'a' || v === 'r' || v === 'd' || v === 'D') return v;
  throw new InvalidArgumentError('-t takes h, a, r, d or D.');
}

/** commander's message ("error: unknown option '--x'\n(Did you mean --y?)") as ghostwatch's one error line. */
function commanderErrorLine(message: string): string {
  return `Error: ${message.replace(/^error: /, '').trim().replace(/\s*[\r\n]+\s*/g, ' ')}`;
}

program.addHelpText('after', `
  ghostwatch --version [-c CONFIG] [-o KEY=VALUE]...   the versions, as \`ghostwatch run --version\` prints them`);

// `ghostwatch --version` is `ghostwatch run --version`: it reads the configuration for json_output.
const argv = process.argv[2] === '--version' ? [...process.argv.slice(0, 2), 'run', ...process.argv.slice(2)] : process.argv;

// No top-level await: the bundle is CommonJS (scripts/bundle.mjs), which has none.
program.parseAsync(argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // commander has already printed its message through outputError (or the help text, exit code 0).
    process.exitCode = err.exitCode;
  } else {
    reportError(err);
    process.exitCode = 1;
  }
});
