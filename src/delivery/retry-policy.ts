/**
 * When to try again (docs/delivery.md, Svix's defaults): the first attempt is immediate, then the schedule's
 * delays with ±jitter. Retry-After is honoured but clamped to [base, 2 × base] so a receiver can
 * neither shorten nor blow up the schedule; after a 429 or a timeout the wait is at least
 * `overloadDelay`.
 */
export interface RetryPolicyOptions {
  /** Seconds before each retry. */
  schedule: readonly number[];
  /** Fraction, 0.2 = ±20 %. */
  jitter: number;
  /** Seconds, least wait after a 429 or a timeout. */
  overloadDelay: number;
  random?: () => number;
}

export const DEFAULT_SCHEDULE: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

export interface FailureFacts {
  /** A 429 or a timeout. */
  overload: boolean;
  /** Retry-After as milliseconds from now, when the response had a usable one. */
  retryAfterMs?: number;
}

export class RetryPolicy {
  private readonly random: () => number;

  constructor(readonly options: RetryPolicyOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Total attempts allowed: the first plus one per schedule entry. */
  get maxAttempts(): number {
    return this.options.schedule.length + 1;
  }

  /**
   * Delay in ms before the next attempt, after `failedAttempts` failures (1 after the first),
   * or undefined when the schedule is exhausted.
   */
  nextDelayMs(failedAttempts: number, facts: FailureFacts): number | undefined {
    const baseS = this.options.schedule[failedAttempts - 1];
    if (baseS === undefined) return undefined;
    const base = baseS * 1000;
    let delay: number;
    if (facts.retryAfterMs !== undefined) {
      delay = Math.min(Math.max(facts.retryAfterMs, base), 2 * base);
    } else {
      const spread = (this.random() * 2 - 1) * this.options.jitter;
      delay = base * (1 + spread);
    }
    if (facts.overload) delay = Math.max(delay, this.options.overloadDelay * 1000);
    return Math.max(0, Math.round(delay));
  }
}

/** Parses a comma-separated schedule of seconds ("5,300,1800"); throws naming the bad entry. */
export function parseSchedule(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((part) => {
    const value = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new Error(`retrySchedule: "${part.trim()}" is not a number of seconds`);
    }
    return value;
  });
}

/** Retry-After as ms from `now`: delta-seconds or an HTTP date; undefined when absent or unusable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (/^\d/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
