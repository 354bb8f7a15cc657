/** The probe could not start (one line saying why: not root, no BTF, no BPF, not built...). */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}
