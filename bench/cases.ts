// The benchmark cases: each one is a ghostwatch command line and, when there is one, the
// reference tool's command line doing the same work, both over the bench capture. Add a row
// here to add a benchmark (the rules engine over the same capture, say).

export interface BenchCase {
  name: string;
  /** ghostwatch's arguments (after `bin/ghostwatch`). */
  ghostwatch(capture: string): string[];
  /** The reference command line (argv, program first), when a reference exists. */
  reference?(capture: string): string[];
}

export const CASES: readonly BenchCase[] = [
  {
    name: "filter 'evt.type=connect'",
    ghostwatch: (c) => ['events', '-r', c, 'evt.type=connect'],
    reference: (c) => ['sysdig', '-r', c, 'evt.type=connect'],
  },
  {
    name: "print '%evt.num %proc.name %fd.name'",
    ghostwatch: (c) => ['events', '-r', c, '-p', '%evt.num %proc.name %fd.name'],
    reference: (c) => ['sysdig', '-r', c, '-p', '%evt.num %proc.name %fd.name'],
  },
];
