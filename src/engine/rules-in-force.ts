// The rules in force, replaced as a whole between two events. A reload builds the next rules (the
// engine and whatever goes with it, such as the prepared outputs) beside the running ones, then
// hands them over with replace(); the detection loop takes them at its next event boundary, before
// it touches that event. So every event is judged, and its alerts formatted, by one generation of
// rules only, even when replace() is called from inside the handling of an event (an output, a
// container description), and no event is skipped: the one before the swap had the old rules, the
// one after it has the new.
export class RulesInForce<T> {
  /** Generations taken over so far (0 until the first replacement). */
  swaps = 0;
  private active: T;
  private next: T | undefined = undefined;

  constructor(first: T) {
    this.active = first;
  }

  /** The rules judging the current event (stable until the next event boundary). */
  get current(): T {
    return this.active;
  }

  /** Whether a replacement waits for the next event. */
  get pending(): boolean {
    return this.next !== undefined;
  }

  /** These rules judge every event from the next boundary on (a later replace() before it wins). */
  replace(next: T): void {
    this.next = next;
  }

  /** Called by the detection loop between two events: the replacement, if any, takes over. */
  boundary(): void {
    if (this.next === undefined) return;
    this.active = this.next;
    this.next = undefined;
    this.swaps++;
  }
}
