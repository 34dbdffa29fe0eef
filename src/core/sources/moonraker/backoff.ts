export interface BackoffOptions {
  /** First delay in ms (default 1000). */
  initialMs?: number;
  /** Ceiling in ms (default 60000). */
  maxMs?: number;
  /** Fraction of the delay randomised either way (default 0.2). */
  jitter?: number;
  random?: () => number;
}

/** Exponential reconnect delays with jitter; reset() after a connection that worked. */
export class Backoff {
  private attempt = 0;
  private readonly initial: number;
  private readonly max: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initial = Math.max(1, options.initialMs ?? 1000);
    this.max = Math.max(this.initial, options.maxMs ?? 60_000);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.random = options.random ?? Math.random;
  }

  next(): number {
    const base = Math.min(this.max, this.initial * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    const spread = base * this.jitter * (this.random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(this.max, base + spread)));
  }

  reset(): void {
    this.attempt = 0;
  }
}
