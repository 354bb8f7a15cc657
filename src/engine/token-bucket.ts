// A token bucket, as Falco limits alerts and drop notifications: tokens accrue at `rate` per second
// up to `maxTokens`; each claim takes one, and fails when none is left. The clock is given (ns), so
// the bucket can run on wall time (alerts) or on event time (drop notifications).

export class TokenBucket {
  private tokens: number;
  private lastSeen: number;

  constructor(
    private readonly rate: number,
    private readonly maxTokens: number,
    now: number,
  ) {
    this.tokens = maxTokens;
    this.lastSeen = now;
  }

  /** Takes a token at time `now` (ns); false when the bucket is empty. */
  claim(now: number): boolean {
    // A clock that goes back (event time before the start) refills the bucket, as Falco's unsigned arithmetic does.
    const gained = now >= this.lastSeen ? (this.rate * (now - this.lastSeen)) / 1e9 : this.maxTokens;
    this.lastSeen = now;
    this.tokens = Math.min(this.tokens + gained, this.maxTokens);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Nanoseconds of wall time. */
export function wallClockNs(): number {
  return Number(process.hrtime.bigint());
}
