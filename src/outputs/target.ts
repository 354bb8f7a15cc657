// What the delivery layer hands to each output, and what an output is to it. An output (stdout,
// file, program, http, syslog, NATS, Loki) is a small adapter: it delivers a batch of alerts and
// says, by resolving or rejecting, whether they arrived. Queues, timeouts, retries, the spool and
// failure reports belong to the delivery layer, never to an adapter.

/** One alert, as every output may need it. */
export interface Alert {
  /** A random UUID (v4), stable across retries and restarts (the spool keeps it): receivers de-duplicate on it. */
  readonly uuid: string;
  /** The event's time, as Falco's JSON "time" (ISO 8601 with nanoseconds, UTC). */
  readonly time: string;
  readonly rule: string;
  /** Falco's priority name: Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug. */
  readonly priority: string;
  readonly source: string;
  readonly hostname: string;
  /** The rule's output, formatted. */
  readonly output: string;
  readonly outputFields: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  /** The alert as stdout, file and program print it: text, or Falco's JSON with json_output. */
  readonly line: string;
  /** The flight recorder's capture of the events around the alert, when it records one. */
  readonly capture?: string;
}

export interface DeliveryTarget {
  /** The output's name in reports and metrics: stdout, file, program, http, syslog, nats, loki. */
  readonly name: string;
  /** Whether a failed delivery is retried (network outputs); a local output's failure is reported. */
  readonly retry: boolean;
  /**
   * Delivers the alerts, in order; resolves once the receiver has them (acknowledged, where the
   * protocol acknowledges), rejects otherwise. Gives up when `signal` aborts (the attempt's timeout).
   */
  deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void>;
  /** Closes and opens again what the output writes to (SIGUSR1, log rotation). */
  reopen?(): void;
  /** Releases the output once nothing more will be delivered. */
  close(): Promise<void>;
}

/** Each output's delivery counters (metrics, the -v summary). */
export interface DeliveryStats {
  readonly output: string;
  /** Alerts delivered. */
  readonly sent: number;
  /** Attempts that failed and were tried again. */
  readonly retried: number;
  /** Alerts given up: the queue full (oldest first), too old to retry, or the spool full. */
  readonly dropped: number;
  /** Alerts written to the spool, waiting for delivery. */
  readonly spooled: number;
  /** Age of the oldest alert not yet delivered, in milliseconds (0 when none waits). */
  readonly oldestAgeMs: number;
}
