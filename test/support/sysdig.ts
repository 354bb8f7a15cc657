// Debian's sysdig 0.29.3, the oracle of the differential tests. Where it is missing or broken, the
// tests that compare with it skip and say why — but not in CI (CI=true), where comparing is the
// point: there a missing or broken sysdig fails the run at once.
import { spawnSync } from 'node:child_process';

function check(): string | false {
  const r = spawnSync('sysdig', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined) return 'sysdig is not installed (scripts/setup-debian.sh installs it)';
  if (r.status !== 0 || !/sysdig version/.test(r.stdout)) return `sysdig does not run (sysdig --version: ${(r.stderr || r.stdout).trim().split('\n')[0]})`;
  return false;
}

/** Why the sysdig comparisons cannot run here, or false. */
export const sysdigSkip: string | false = check();

if (sysdigSkip !== false && process.env.CI === 'true') {
  throw new Error(`CI=true and the differential tests need sysdig: ${sysdigSkip}`);
}
