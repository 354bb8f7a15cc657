// Versions as Falco reads them (sinsp_version): "major.minor.patch", leniently (leading blanks and
// trailing text are ignored, as with sscanf). An integer required_engine_version N means 0.N.0.

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** The engine version ghostwatch implements: that of the Falco whose rule language it follows. */
export const ENGINE_VERSION: Version = { major: 0, minor: 63, patch: 0 };

export function parseVersion(text: string): Version | undefined {
  const m = /^[ \t\n\r\f\v]*\+?(\d+)\.[ \t\n\r\f\v]*\+?(\d+)\.[ \t\n\r\f\v]*\+?(\d+)/.exec(text);
  if (m === null) return undefined;
  const [major, minor, patch] = [m[1], m[2], m[3]].map((d) => Number(d) >>> 0) as [number, number, number];
  return { major, minor, patch };
}

/** The version an integer required_engine_version stands for (engines before semver were 0.N.0). */
export function implicitEngineVersion(n: number): Version {
  return { major: ENGINE_VERSION.major, minor: n, patch: ENGINE_VERSION.patch };
}

export function versionString(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Whether `have` satisfies a requirement for `want`: same major, and not older. */
export function compatibleWith(have: Version, want: Version): boolean {
  return have.major === want.major && compareVersions(have, want) >= 0;
}
