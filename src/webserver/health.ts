// Whether the event sources of a run are running, for /healthz: each source is registered when it
// opens and marked when it ends. A source that ends while ghostwatch goes on (the probe's loader
// exited, the k8s_audit source stopped with an error or read its file to the end) makes the run
// unhealthy; a source ended because ghostwatch asked it to (a signal, -M) does not, nor a capture
// read to its end (a replay reads a recording: reaching its end is its purpose). Only the sources
// ghostwatch opened count: before they open, and with none, the run is healthy.

export type SourceState =
  | { readonly state: 'running' }
  | { readonly state: 'finished' }
  | { readonly state: 'failed'; readonly reason: string };

export class SourceHealth {
  private readonly sources = new Map<string, SourceState>();

  running(source: string): void {
    this.sources.set(source, { state: 'running' });
  }

  /** The source ended without an error: `expected` when ghostwatch asked it to, or it read a capture to its end. */
  finished(source: string, expected: boolean): void {
    if (this.sources.get(source)?.state !== 'running') return;
    if (expected) this.sources.set(source, { state: 'finished' });
    else this.sources.set(source, { state: 'failed', reason: 'ended while ghostwatch runs' });
  }

  /** The source stopped on an error. */
  failed(source: string, reason: string): void {
    if (this.sources.get(source)?.state === 'failed') return;
    this.sources.set(source, { state: 'failed', reason });
  }

  get healthy(): boolean {
    return [...this.sources.values()].every((s) => s.state !== 'failed');
  }

  /** The sources that failed, with why. */
  failures(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, s] of this.sources) if (s.state === 'failed') out[name] = s.reason;
    return out;
  }
}
