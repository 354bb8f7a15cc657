// Falco's metrics snapshots: every metrics.interval, the counters under Falco's keys as the
// "Falco internal: metrics snapshot" alert (metrics.output_rule, priority Informational) and as
// one JSON line {"sample": N, "output_fields": {...}} appended to metrics.output_file.
import { appendFileSync } from 'node:fs';
import type { MetricsConfig } from '../config/config.js';
import { type Identity, type RunCounters, type SnapshotMemory, snapshotFields } from './metrics.js';

export const SNAPSHOT_RULE = 'Falco internal: metrics snapshot';
export const SNAPSHOT_MESSAGE = 'Falco metrics snapshot';

export class MetricsFileError extends Error {}

export class MetricsSnapshots {
  private timer: NodeJS.Timeout | undefined;
  private sample = 0;
  private memory: SnapshotMemory | undefined;

  /** `alert`: sends the snapshot alert with these output fields. Throws a MetricsFileError when output_file cannot be written. */
  constructor(
    private readonly counters: RunCounters,
    private readonly config: MetricsConfig,
    private readonly id: Identity,
    private readonly alert: (fields: Record<string, string | number>) => void,
    private readonly fileFailed: (message: string) => void,
  ) {
    if (config.outputFile !== '') {
      try {
        appendFileSync(config.outputFile, '');
      } catch (e) {
        throw new MetricsFileError(`metrics: cannot write output_file ${config.outputFile}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Whether the configuration asks for snapshots at all. */
  static wanted(config: MetricsConfig): boolean {
    return config.enabled && (config.outputRule || config.outputFile !== '');
  }

  start(): void {
    this.timer = setInterval(() => this.take(), this.config.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private take(): void {
    const { fields, memory } = snapshotFields(this.counters, this.config, this.id, this.memory, Date.now());
    this.memory = memory;
    this.sample++;
    if (this.config.outputRule) this.alert(fields);
    if (this.config.outputFile === '') return;
    try {
      appendFileSync(this.config.outputFile, `${JSON.stringify({ sample: this.sample, output_fields: fields })}\n`);
    } catch (e) {
      this.fileFailed(`metrics: cannot write output_file ${this.config.outputFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
