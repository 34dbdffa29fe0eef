/**
 * Remembers webhook ids that verified, for `windowS` seconds, so a captured request replayed within
 * the timestamp tolerance is rejected. Bounded: beyond `max` ids the oldest are forgotten.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowS: number, private readonly max = 10_000) {}

  /** True when `id` was recorded and has not expired at `now` (Unix seconds). */
  has(id: string, now: number): boolean {
    const until = this.seen.get(id);
    return until !== undefined && until >= now;
  }

  record(id: string, now: number): void {
    this.prune(now);
    this.seen.delete(id);
    this.seen.set(id, now + this.windowS);
    while (this.seen.size > this.max) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
    }
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    // Entries are inserted in time order with the same window, so expired ones sit at the front.
    for (const [id, until] of this.seen) {
      if (until >= now) break;
      this.seen.delete(id);
    }
  }
}
