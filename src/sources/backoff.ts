export interface BackoffOptions {
  /** First delay in ms (default 1000). */
  baseMs?: number;
  /** Ceiling in ms (default 60000). */
  maxMs?: number;
  /** Fraction of the delay randomised either way (default 0.2). */
  jitter?: number;
  random?: () => number;
}

/**
 * Exponential reconnect delays with jitter, from base to max, shared by every source connection;
 * reset() once a connection worked.
 */
export class Backoff {
  private attempt = 0;
  readonly baseMs: number;
  readonly maxMs: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = Math.max(1, options.baseMs ?? 1000);
    this.maxMs = Math.max(this.baseMs, options.maxMs ?? 60_000);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.random = options.random ?? Math.random;
  }

  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const nominal = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    const spread = nominal * this.jitter * (this.random() * 2 - 1);
    return Math.max(1, Math.round(Math.min(this.maxMs, nominal + spread)));
  }

  /** The slow lane for a rejected key: never sooner than the ceiling. */
  slow(): number {
    this.attempt += 1;
    return Math.round(this.maxMs * (1 + this.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
