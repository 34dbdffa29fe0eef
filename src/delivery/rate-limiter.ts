/**
 * Per-endpoint pacing (docs/delivery.md, "Rate limits"). Each rule is a token bucket of `burst` requests
 * refilled at `requests` per `periodMs`; when `burst` is at most `requests` the rule is also a hard window:
 * never more than `requests` starts in any `periodMs` (how Discord, Slack, Telegram and Teams count). A
 * `burst` above `requests` lends a larger burst that then refills slowly (ntfy's visitor bucket).
 * A 429 pauses the whole endpoint until the wait the target named.
 */
export interface RateRule {
  requests: number;
  periodMs: number;
  /** Requests that may go back to back; defaults to `requests`. */
  burst?: number;
}

/**
 * A window's next start waits this much longer (at most 50 ms, 5 % of the period): the target counts arrivals,
 * which a busy network or event loop can bring closer together than the starts were.
 */
export function windowMarginMs(periodMs: number): number {
  return Math.min(50, periodMs * 0.05);
}

class RuleState {
  private tokens: number;
  private refilledAt: number;
  private readonly capacity: number;
  private readonly perMs: number;
  /** Start times of the last `requests` requests (a ring), only for window rules. */
  private readonly starts: Float64Array | undefined;
  private next = 0;
  private count = 0;

  constructor(readonly rule: RateRule, now: number) {
    this.capacity = Math.max(1, rule.burst ?? rule.requests);
    this.perMs = rule.requests / rule.periodMs;
    this.tokens = this.capacity;
    this.refilledAt = now;
    this.starts = this.capacity <= rule.requests ? new Float64Array(Math.max(1, rule.requests)) : undefined;
  }

  private refill(now: number): void {
    if (now > this.refilledAt) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.perMs);
      this.refilledAt = now;
    }
  }

  /** Earliest start at or after `now`; changes nothing. */
  nextAt(now: number): number {
    const tokens = now > this.refilledAt ? Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.perMs) : this.tokens;
    // a hair below 1 counts as 1: float rounding must not add a 1 ms step to every request
    let at = tokens >= 1 - 1e-9 ? now : now + Math.ceil((1 - tokens) / this.perMs);
    if (this.starts && this.count === this.starts.length) {
      const oldest = this.starts[this.next];
      at = Math.max(at, oldest + this.rule.periodMs + windowMarginMs(this.rule.periodMs));
    }
    return at;
  }

  take(now: number): void {
    this.refill(now);
    this.tokens = Math.max(0, this.tokens - 1);
    if (this.starts) {
      this.starts[this.next] = now;
      this.next = (this.next + 1) % this.starts.length;
      if (this.count < this.starts.length) this.count += 1;
    }
  }
}

/** Longest pause a target's 429 may impose; a longer wait is cut here (a hostile or broken answer). */
export const MAX_PAUSE_MS = 6 * 3600 * 1000;

export class RateLimiter {
  private readonly states: RuleState[];
  /** Set by a 429: no request starts before this time. */
  pausedUntil = 0;
  pauseReason: string | undefined;

  constructor(readonly rules: readonly RateRule[], now = Date.now()) {
    this.states = rules.map((rule) => new RuleState(rule, now));
  }

  /** The earliest time a request may start (`now` when it may start at once). */
  nextAt(now: number): number {
    let at = Math.max(now, this.pausedUntil);
    for (const state of this.states) at = Math.max(at, state.nextAt(at));
    return at;
  }

  /** Counts a request that starts now; call only when nextAt(now) <= now. */
  take(now: number): void {
    for (const state of this.states) state.take(now);
  }

  /** Pauses every request to the endpoint for `waitMs` (at most MAX_PAUSE_MS); a shorter pause never shortens a longer one. */
  pause(now: number, waitMs: number, reason: string): void {
    const until = now + Math.min(Math.max(0, waitMs), MAX_PAUSE_MS);
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauseReason = reason;
    }
  }

  /** Plain data for the status, the admin route and the sidebar. */
  view(now: number): { rules: RateRule[]; pausedUntil?: string; pauseReason?: string } {
    const paused = this.pausedUntil > now;
    return {
      rules: this.rules.map((r) => ({ ...r })),
      ...(paused ? { pausedUntil: new Date(this.pausedUntil).toISOString(), pauseReason: this.pauseReason } : {}),
    };
  }
}
