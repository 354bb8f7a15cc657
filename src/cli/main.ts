// ghostwatch's command line. Each subcommand lives in its own module; this file only declares
// the flags (sysdig's for `events`) and turns every error into one line on stderr and exit 1.
import { Command, CommanderError } from 'commander';
import { runEvents } from './events.js';
import { printFields } from './fields.js';
import { reportError } from './errors.js';

const program = new Command('ghostwatch')
  .description('Runtime threat detection for Linux hosts and Kubernetes nodes (Falco/sysdig compatible)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('events')
  .description('print the events of a capture, like sysdig -r')
  .requiredOption('-r, --read <capture>', 'capture file to read (scap, plain or gzip)')
  .option('-p, --print <format>', "output format, sysdig's syntax (%field, %field[arg], leading * keeps lines with missing fields)")
  .option('-w, --write <file>', 'write the kept events to a capture file instead of printing them')
  .option('-z, --compress', 'gzip the capture written with -w')
  .option('-n, --number <count>', 'stop after this many events', (v) => positiveInt(v, '-n'))
  .option('-v, --verbose', 'print long parameters and buffers in full')
  .option('-A, --print-ascii', 'print only the text part of data buffers')
  .option('-X, --print-hex-ascii', 'print data buffers in hex and ASCII')
  .option('-b, --print-base64', 'print data buffers in base64')
  .argument('[filter...]', 'filter condition (sysdig/Falco syntax)')
  .action(async (filter: string[], opts) => {
    process.exitCode = await runEvents({
      file: opts.read,
      format: opts.print,
      write: opts.write,
      compress: opts.compress === true,
      count: opts.number,
      verbose: opts.verbose === true,
      bufferFormat: opts.printAscii ? 'ascii' : opts.printHexAscii ? 'hex' : opts.printBase64 ? 'base64' : 'normal',
      filter: filter.length > 0 ? filter.join(' ') : undefined,
    });
  });

program
  .command('fields')
  .description('list every field with its type and description')
  .option('--brief', 'leave out the types, like sysdig -l')
  .action((opts) => printFields(opts.brief === true));

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new CommanderError(1, 'ghostwatch.badNumber', `${flag} takes a whole number, got '${v}'`);
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander has already printed its message (or the help text, exit code 0).
    process.exitCode = err.exitCode;
  } else {
    reportError(err);
    process.exitCode = 1;
  }
}
