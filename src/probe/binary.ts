// Where the probe's loader is: native/build/ghostwatch-probe, found by walking up from this module
// (it runs from src/ under tsx and from dist/src/ once compiled), or $GHOSTWATCH_PROBE.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProbeError } from './errors.js';

const RELATIVE = join('native', 'build', 'ghostwatch-probe');

export function probeBinary(): string {
  const fromEnv = process.env['GHOSTWATCH_PROBE'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new ProbeError('the eBPF probe is not built: run `bash scripts/build-probe.sh`');
}
