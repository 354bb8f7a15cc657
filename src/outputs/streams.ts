// The configured stream outputs, NATS JetStream and Grafana Loki, as the delivery layer's targets.
// Each constructor throws its output's error (one line) for settings that cannot work: the caller
// reports it and exits at start.
import type { GhostwatchConfig } from '../config/config.js';
import { LokiTarget } from './loki.js';
import { NatsTarget } from './nats.js';
import type { DeliveryTarget } from './target.js';

export function streamTargets(config: GhostwatchConfig): DeliveryTarget[] {
  const targets: DeliveryTarget[] = [];
  if (config.natsOutput !== undefined) targets.push(new NatsTarget(config.natsOutput));
  if (config.lokiOutput !== undefined) targets.push(new LokiTarget(config.lokiOutput));
  return targets;
}
