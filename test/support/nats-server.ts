// A real NATS server with JetStream for the tests: Debian's nats-server, started by the test on
// loopback, on a port the OS picks (the first start; restarts take the same port back), with its
// store in a directory of the test's own, so that a restart finds the streams as they were.
//
//   const skip = natsServerSkipReason();          // a reason, or false
//   const server = await startNatsServer();       // { args: ['--auth', token] } for a token
//   ... server.url is nats://127.0.0.1:<port> ...
//   await server.kill();                          // SIGKILL: the server is gone at once
//   await server.start();                         // the same port and store
//   await server.stop();                          // and removes the store
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 10_000;

export function natsServerSkipReason(): string | false {
  const probe = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return 'nats-server is not installed (Debian package nats-server; scripts/setup-debian.sh installs it): NATS tests skipped';
  return false;
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Starts it again after kill(), on the same port and store. */
  start(): Promise<void>;
  kill(): Promise<void>;
  /** Pauses the process (SIGSTOP), resolving once every thread has stopped: connections stay open, nothing is answered. */
  pause(): Promise<void>;
  resume(): void;
  /** Kills it and removes its store. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startNatsServer(opts: { args?: readonly string[] } = {}): Promise<NatsServer> {
  const storeDir = mkdtempSync(join(tmpdir(), 'gw-nats-'));
  let child: ChildProcess | undefined;
  const launch = async (port: number): Promise<number> => {
    const proc = spawn('nats-server', ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), ...(opts.args ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    running.add(proc);
    proc.on('exit', () => running.delete(proc));
    return await listening(proc);
  };
  const port = await launch(-1);
  const kill = async () => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGCONT');
    proc.kill('SIGKILL');
    await exited;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    start: async () => {
      await launch(port);
    },
    kill,
    pause: async () => {
      const pid = child?.pid;
      if (pid === undefined) return;
      child!.kill('SIGSTOP');
      // The signal stops each thread as it next leaves the kernel: wait until all have.
      while (!readdirSync(`/proc/${pid}/task`).every((t) => /^\d+ \(.*\) t/i.test(readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8')))) await sleep(5);
    },
    resume: () => child?.kill('SIGCONT'),
    stop: async () => {
      await kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** The port the server listens on, once it is ready for clients (after JetStream has read its store). */
function listening(proc: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    let port = 0;
    const timer = setTimeout(() => fail(new Error(`nats-server not ready after ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
    const fail = (e: Error) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(e);
    };
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      log += chunk;
      port ||= Number(/Listening for client connections on [^\s]+:(\d+)/.exec(log)?.[1] ?? 0);
      if (port !== 0 && log.includes('Server is ready')) {
        clearTimeout(timer);
        proc.stderr!.resume();
        proc.stderr!.removeAllListeners('data');
        proc.stderr!.on('data', () => undefined);
        resolve(port);
      }
    });
    proc.on('exit', (code, signal) => fail(new Error(`nats-server exited (${code ?? signal}) before it was ready:\n${log}`)));
  });
}
