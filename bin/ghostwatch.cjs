// The compiled CLI, started by bin/ghostwatch (which gives node its settings): npm run build writes
// dist/. The single-file bundle (dist/ghostwatch.cjs) starts faster; it is used only when it is at
// least as new as the compiled modules, so a plain `tsc` after `npm run build` is never shadowed by
// a stale bundle.
//
// The bundle runs with its V8 code cache (scripts/bundle.mjs) when there is one for it: a cache is
// named after the bundle's size and time and after node's flags, since V8 takes one only from the
// same flags; it checks the rest itself (its version, the data's checksum) and compiles the source
// when it refuses one. GHOSTWATCH_WRITE_CODE_CACHE=1 (the build sets it) writes the cache at exit.
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const dist = resolve(__dirname, '../dist');
// The command is bin/ghostwatch, which starts this module: what `run --support` shows as its command line.
process.argv[1] = resolve(__dirname, 'ghostwatch');
const main = resolve(dist, 'src/cli/main.js');
const bundle = resolve(dist, 'ghostwatch.cjs');
if (!existsSync(main)) {
  process.stderr.write('ghostwatch: not built yet: run `npm ci && npm run build` in the ghostwatch directory\n');
  process.exit(1);
}
const built = existsSync(bundle) ? statSync(bundle) : undefined;
if (built !== undefined && built.mtimeMs >= statSync(main).mtimeMs) runBundle(built);
else void import(pathToFileURL(main).href);

function runBundle(st) {
  const flags = process.execArgv.join(' ').replace(/[^A-Za-z0-9=.-]+/g, '_');
  const cacheFile = resolve(dist, 'code-cache', `${st.size}-${Math.trunc(st.mtimeMs)}${flags === '' ? '' : `-${flags}`}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none: compiled from the source
  }
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  if (process.env.GHOSTWATCH_WRITE_CODE_CACHE === '1') {
    process.once('exit', () => {
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    });
  }
  const bundleModule = { exports: {} };
  script.runInThisContext()(bundleModule.exports, Module.createRequire(bundle), bundleModule, bundle, dist);
}
