// The detection counters a run reports at the end with -v, in Falco's words and layout:
//   Events detected: N
//   Rule counts by severity:
//      WARNING: N          (levels with detections, most severe first; Informational as INFO)
//   Triggered rules by rule name:
//      rule name: N        (rules with detections, in load order)
// Rules are counted by name, so a rule keeps its count across reloads; a rule a reload brought in
// is listed after the first ones.
import { priorityName, type LoadedRule, type Priority } from '../rules/index.js';

export class DetectionStats {
  private total = 0;
  private readonly byPriority = new Array<number>(8).fill(0);
  /** By rule, indexed as `names`. */
  private readonly byRule: number[];
  private readonly names: string[];
  /** The rule behind each name (the latest loaded: its priority, source and tags for the metrics). */
  private readonly rules: LoadedRule[];
  private readonly index = new Map<string, number>();

  /** `rules`: every loaded rule, in load order (the order of the summary). */
  constructor(rules: readonly LoadedRule[]) {
    this.names = rules.map((r) => r.name);
    this.rules = [...rules];
    this.byRule = new Array<number>(rules.length).fill(0);
    this.names.forEach((n, i) => {
      if (!this.index.has(n)) this.index.set(n, i);
    });
  }

  count(rule: LoadedRule): void {
    this.total++;
    this.byPriority[rule.priority]++;
    let i = this.index.get(rule.name);
    if (i === undefined) {
      i = this.names.push(rule.name) - 1;
      this.rules.push(rule);
      this.byRule.push(0);
      this.index.set(rule.name, i);
    }
    this.rules[i] = rule;
    this.byRule[i]++;
  }

  get detected(): number {
    return this.total;
  }

  /** Each loaded rule (one per name, in load order) with its matches so far. */
  matches(): { rule: LoadedRule; count: number }[] {
    return [...this.index.values()].map((i) => ({ rule: this.rules[i], count: this.byRule[i] }));
  }

  summary(): string {
    let out = `Events detected: ${this.total}\nRule counts by severity:\n`;
    this.byPriority.forEach((n, p) => {
      if (n > 0) out += `   ${priorityName(p as Priority, true).toUpperCase()}: ${n}\n`;
    });
    out += 'Triggered rules by rule name:\n';
    this.byRule.forEach((n, i) => {
      if (n > 0) out += `   ${this.names[i]}: ${n}\n`;
    });
    return out;
  }
}
