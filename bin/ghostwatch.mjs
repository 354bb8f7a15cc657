// The compiled CLI, started by bin/ghostwatch (which gives node its settings): npm run build writes
// dist/. The single-file bundle (dist/ghostwatch.mjs) starts faster; it is used only when it is at
// least as new as the compiled modules, so a plain `tsc` after `npm run build` is never shadowed by
// a stale bundle.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../dist');
// The command is bin/ghostwatch, which starts this module: what `run --support` shows as its command line.
process.argv[1] = resolve(here, 'ghostwatch');
const main = resolve(dist, 'src/cli/main.js');
const bundle = resolve(dist, 'ghostwatch.mjs');
if (!existsSync(main)) {
  process.stderr.write('ghostwatch: not built yet: run `npm ci && npm run build` in the ghostwatch directory\n');
  process.exit(1);
}
const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(main).mtimeMs;
await import(fresh ? bundle : main);
