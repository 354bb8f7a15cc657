// The detection counters a run reports at the end with -v, in Falco's words and layout:
//   Events detected: N
//   Rule counts by severity:
//      WARNING: N          (levels with detections, most severe first; Informational as INFO)
//   Triggered rules by rule name:
//      rule name: N        (rules with detections, in load order)
import { priorityName, type LoadedRule, type Priority } from '../rules/index.js';

export class DetectionStats {
  private total = 0;
  private readonly byPriority = new Array<number>(8).fill(0);
  /** By rule, indexed as the rules given to the constructor. */
  private readonly byRule: number[];
  private readonly index = new Map<LoadedRule, number>();

  /** `rules`: every loaded rule, in load order (the order of the summary). */
  constructor(private readonly rules: readonly LoadedRule[]) {
    this.byRule = new Array<number>(rules.length).fill(0);
    rules.forEach((r, i) => this.index.set(r, i));
  }

  count(rule: LoadedRule): void {
    this.total++;
    this.byPriority[rule.priority]++;
    const i = this.index.get(rule);
    if (i !== undefined) this.byRule[i]++;
  }

  get detected(): number {
    return this.total;
  }

  summary(): string {
    let out = `Events detected: ${this.total}\nRule counts by severity:\n`;
    this.byPriority.forEach((n, p) => {
      if (n > 0) out += `   ${priorityName(p as Priority, true).toUpperCase()}: ${n}\n`;
    });
    out += 'Triggered rules by rule name:\n';
    this.byRule.forEach((n, i) => {
      if (n > 0) out += `   ${this.rules[i].name}: ${n}\n`;
    });
    return out;
  }
}
