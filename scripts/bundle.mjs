// `npm run build`, second step: bundles the compiled CLI (dist/src/cli/main.js) and its
// dependencies into one file, dist/ghostwatch.mjs, which bin/ghostwatch runs when it is at least
// as new as the compiled modules. A bundle instead of ~150 modules saves Node resolving, reading and
// compiling each module at every start (about 0.1-0.2 s of CPU per run). The subcommands, which
// main.js imports when they run, are split into chunks (dist/chunks/): a command compiles only the
// code it can reach (`events -r` about a third of the whole). It runs even when tsc
// reports errors, since tsc still emits and the CLI would run that output anyway; the build keeps
// tsc's exit status. esbuild comes with the dev dependencies (through tsx); without it the bundle
// is skipped and the CLI runs the modules.
import { rmSync } from 'node:fs';
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
  // gRPC (the CRI client) is loaded only when a CRI socket is there: left out of the bundle, it
  // costs nothing to the commands that never talk to a runtime; Node finds it in node_modules.
  external: ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'],
});
