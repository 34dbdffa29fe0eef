import { parseTtl } from './event-lanes';
import { DEFAULT_SCHEDULE, parseSchedule } from './retry-policy';

/** The sender node's settings, checked (docs/delivery.md). */
export interface SenderConfig {
  concurrency: number;
  ordered: boolean;
  schedule: number[];
  jitter: number;
  overloadDelay: number;
  /** Time-to-live per event type, ms (docs/delivery.md, "Priorities, coalescing, TTL"); empty = none. */
  ttlMs: Map<string, number>;
}

export interface RawSenderConfig {
  concurrency?: unknown;
  ordered?: unknown;
  retrySchedule?: unknown;
  jitter?: unknown;
  overloadDelay?: unknown;
  ttl?: unknown;
}

function numberField(name: string, value: unknown, fallback: number, min: number, max: number, errors: string[]): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    errors.push(`${name} "${String(value)}" must be a number from ${min} to ${max}`);
    return fallback;
  }
  return n;
}

export function parseSenderConfig(raw: RawSenderConfig): { config?: SenderConfig; errors: string[] } {
  const errors: string[] = [];
  const concurrency = numberField('concurrency', raw.concurrency, 4, 1, 64, errors);
  if (!Number.isInteger(concurrency)) errors.push('concurrency must be a whole number');
  const jitter = numberField('jitter', raw.jitter, 0.2, 0, 1, errors);
  const overloadDelay = numberField('overloadDelay', raw.overloadDelay, 60, 0, 86400, errors);
  let schedule = [...DEFAULT_SCHEDULE];
  if (raw.retrySchedule !== undefined) {
    try {
      schedule = parseSchedule(String(raw.retrySchedule));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  const ttl = parseTtl(raw.ttl);
  errors.push(...ttl.errors);
  if (errors.length) return { errors };
  return { errors, config: { concurrency, ordered: raw.ordered === true || raw.ordered === 'true', schedule, jitter, overloadDelay, ttlMs: ttl.ttl } };
}
