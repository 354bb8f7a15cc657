// `npm run build`, second step: bundles the compiled CLI (dist/src/cli/main.js) and its
// dependencies into one CommonJS file, dist/ghostwatch.cjs, which bin/ghostwatch runs when it is at
// least as new as the compiled modules; then writes V8 code caches for it (dist/code-cache/).
//
// Why: Node takes about 55 ms to start, sysdig 20 ms in all, so on a capture ghostwatch's start is
// most of what separates the two. A bundle instead of ~150 modules saves resolving and reading each
// module; CommonJS because Node 20 can give a script (vm.Script), but not an ES module, a V8 code
// cache: the compiled top level is read back instead of parsing and compiling 1.4 MB of source at
// every start (about 20 ms of compiling; 7-9 ms of an `events -r` start once the rest is counted).
// V8 takes a cache only from a node with the same flags, so there is one per flag set the launcher
// uses: `run`'s and the other commands'.
//
// It runs even when tsc reports errors, since tsc still emits and the CLI would run that output
// anyway; the build keeps tsc's exit status. esbuild comes with the dev dependencies (through tsx);
// without it the bundle is skipped and the CLI runs the modules.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist');
const outfile = resolve(dist, 'ghostwatch.cjs');
const caches = resolve(dist, 'code-cache');

// What earlier builds left: the ES module bundle and its chunks, old caches.
for (const old of [resolve(dist, 'ghostwatch.mjs'), resolve(dist, 'chunks'), caches]) rmSync(old, { recursive: true, force: true });

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  rmSync(outfile, { force: true });
  process.stderr.write('bundle: esbuild not installed, skipped (bin/ghostwatch runs dist/src/cli/main.js)\n');
  process.exit(0);
}

await esbuild.build({
  entryPoints: [resolve(dist, 'src', 'cli', 'main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The subcommands' modules, imported when they run, become lazily initialised parts of the one
  // file (esbuild turns import() into require()); so do the dependencies left out below.
  supported: { 'dynamic-import': false },
  // The modules that find files beside themselves (the probe, the default configuration) walk up
  // from the bundle's own path.
  define: { 'import.meta.url': '__moduleUrl' },
  banner: { js: "var __moduleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  // Node keeps the bundle's source in memory for as long as it runs (V8 compiles functions lazily
  // from it): without comments and indentation it is about a third smaller, and in ASCII only (one
  // non-ASCII character in a comment made V8 hold all of it as a two-byte string: 4 MB instead of
  // 2) it takes one byte a character. Identifiers are kept, so stack traces still name functions.
  minifyWhitespace: true,
  charset: 'ascii',
  // gRPC (the CRI client) is loaded only when a CRI socket is there: left out of the bundle, it
  // costs nothing to the commands that never talk to a runtime; Node finds it in node_modules.
  external: ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'],
});

// esbuild leaves non-ASCII characters in regular expression literals (a dependency's /µs/): as
// \u escapes they mean the same there, and in strings and identifiers too.
const source = readFileSync(outfile, 'utf8');
const ascii = source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
if (ascii !== source) writeFileSync(outfile, ascii);

// The code caches: the launcher writes one, for the flags it gives node, as a command that
// loads the whole top level (--help) exits.
for (const args of [['--help'], ['run', '--help']]) {
  const r = spawnSync(resolve(root, 'bin', 'ghostwatch'), args, { env: { ...process.env, GHOSTWATCH_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.stderr.write(`bundle: no code cache for \`ghostwatch ${args.join(' ')}\` (exit ${r.status ?? r.signal}): commands start slower\n`);
}
