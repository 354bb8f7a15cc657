// What a run tells about itself while it runs: Falco's webserver (/healthz, /versions, /metrics)
// and its metrics snapshots (metrics.output_rule, metrics.output_file). Started once the outputs
// are open, before the event sources; closed last, so /healthz answers 503 while a run that lost
// a source ends. As in Falco, a run reading a capture starts no webserver (Falco's test suites run
// captures with a falco.yaml that enables it: each run would take the port).
import type { GhostwatchConfig } from '../config/config.js';
import { createRegistry } from '../fields/registry.js';
import { AlertFormatter, alertFormatSettings } from '../outputs/alert-format.js';
import type { Outputs } from '../outputs/outputs.js';
import { State } from '../state/state.js';
import { SourceHealth } from '../webserver/health.js';
import { identity, prometheusText, RunCounters } from '../webserver/metrics.js';
import type { Webserver } from '../webserver/server.js';
import { MetricsSnapshots, SNAPSHOT_MESSAGE, SNAPSHOT_RULE } from '../webserver/snapshots.js';
import { packageVersion, versionsEndpointJson } from './info.js';

/** Falco's priority number for Informational. */
const INFORMATIONAL = 6;

export class Telemetry {
  readonly counters = new RunCounters();
  readonly health = new SourceHealth();
  private server: Webserver | undefined;
  private snapshots: MetricsSnapshots | undefined;

  /**
   * Starts what the configuration enables. Throws (one line) when the webserver cannot listen or
   * read its certificate, or metrics.output_file cannot be written.
   */
  async start(
    config: GhostwatchConfig, outputs: Outputs, hostname: string, readsCapture: boolean,
    log: { info: (m: string) => void; debug: (m: string) => void; error: (m: string) => void },
  ): Promise<void> {
    const id = identity(packageVersion(), hostname);
    const metrics = config.metrics;
    if (MetricsSnapshots.wanted(metrics)) {
      const formatter = new AlertFormatter(createRegistry(new State(), { allParams: true }), alertFormatSettings(config, hostname));
      this.snapshots = new MetricsSnapshots(this.counters, metrics, id,
        (fields) => outputs.send(formatter.internal(BigInt(Date.now()) * 1_000_000n, INFORMATIONAL, SNAPSHOT_MESSAGE, SNAPSHOT_RULE, fields)),
        log.error);
    }
    const web = config.webserver;
    if (web !== undefined && readsCapture) log.debug('Skipping the webserver: reading a capture');
    if (web !== undefined && !readsCapture) {
      const withMetrics = metrics.enabled && web.prometheusMetrics;
      // Its module (node:http, node:https) is loaded only when the webserver is on.
      const { startWebserver } = await import('../webserver/server.js');
      this.server = await startWebserver(web, {
        health: this.health,
        versions: versionsEndpointJson(),
        ...(withMetrics && { metrics: () => prometheusText(this.counters, metrics, id) }),
      });
      const where = this.server.address.includes(':') ? `[${this.server.address}]` : this.server.address;
      log.info(`Starting health webserver, listening on ${where}:${String(this.server.port)}${web.sslCertificate !== undefined ? ' (SSL)' : ''}`
        + (withMetrics ? '; Prometheus metrics at /metrics' : ''));
    }
    this.snapshots?.start();
  }

  async close(): Promise<void> {
    this.snapshots?.stop();
    await this.server?.close();
  }
}
