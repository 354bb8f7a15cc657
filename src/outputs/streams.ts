// The configured stream outputs, NATS JetStream and Grafana Loki, as the delivery layer's targets.
// Each constructor throws its output's error (one line) for settings that cannot work: the caller
// reports it and exits at start. Each output's module is loaded only when it is on.
import type { GhostwatchConfig } from '../config/config.js';
import type { DeliveryTarget } from './target.js';

export async function streamTargets(config: GhostwatchConfig): Promise<DeliveryTarget[]> {
  const targets: DeliveryTarget[] = [];
  if (config.natsOutput !== undefined) targets.push(new (await import('./nats.js')).NatsTarget(config.natsOutput));
  if (config.lokiOutput !== undefined) targets.push(new (await import('./loki.js')).LokiTarget(config.lokiOutput));
  return targets;
}
