// `npm run build`, second step: bundles the compiled CLI (dist/src/cli/main.js) and its
// dependencies into one file, dist/ghostwatch.mjs, which bin/ghostwatch runs when it is at least
// as new as the compiled modules. A bundle instead of ~150 modules saves Node resolving, reading and
// compiling each module at every start (about 0.1-0.2 s of CPU per run). The subcommands, which
// main.js imports when they run, are split into chunks (dist/chunks/): a command compiles only the
// code it can reach (`events -r` about a third of the whole). It runs even when tsc
// reports errors, since tsc still emits and the CLI would run that output anyway; the build keeps
// tsc's exit status. esbuild comes with the dev dependencies (through tsx); without it the bundle
// is skipped and the CLI runs the modules.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(root, 'dist', 'ghostwatch.mjs');
const chunks = resolve(root, 'dist', 'chunks');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  rmSync(outfile, { force: true });
  rmSync(chunks, { recursive: true, force: true });
  process.stderr.write('bundle: esbuild not installed, skipped (bin/ghostwatch runs dist/src/cli/main.js)\n');
  process.exit(0);
}

rmSync(chunks, { recursive: true, force: true });
await esbuild.build({
  entryPoints: { ghostwatch: resolve(root, 'dist', 'src', 'cli', 'main.js') },
  outdir: dirname(outfile),
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (commander) require Node's built-in modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
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
