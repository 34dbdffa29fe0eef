import type { RateRule } from './rate-limiter';
import { TARGET_LIMITS, TARGET_NAMES, targetOfUrl, type TargetName } from './target-limits';

/** The endpoint's "Advanced: rate limit / health" fields, checked (docs/delivery.md). */
export interface EndpointLimits {
  /** What the rules came from: a target's preset (named, or found by `auto` from the url), `custom`, or `off`. */
  source: TargetName | 'custom' | 'off';
  rules: RateRule[];
  /** Consecutive failures that open the circuit breaker; 0 = never. */
  breakerFailures: number;
  /** Only failures for this long disable the endpoint; 0 = never. */
  disableAfterMs: number;
}

export interface RawEndpointLimits {
  rateLimit?: unknown;
  rateRequests?: unknown;
  ratePeriod?: unknown;
  rateBurst?: unknown;
  breakerFailures?: unknown;
  disableAfter?: unknown;
}

export const RATE_LIMIT_CHOICES = ['auto', ...TARGET_NAMES, 'custom', 'off'] as const;
export const DEFAULT_BREAKER_FAILURES = 5;
/** Svix's default: 5 days of only failures. */
export const DEFAULT_DISABLE_AFTER_H = 120;

function number(name: string, value: unknown, fallback: number, min: number, max: number, errors: string[]): number {
  if (value === undefined || value === '' || value === null) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    errors.push(`${name} "${String(value)}" must be a number from ${min} to ${max}`);
    return fallback;
  }
  return n;
}

/** Parses the fields; `url` is the endpoint's, for `auto`. Missing fields read as their defaults. */
export function parseEndpointLimits(raw: RawEndpointLimits, url: string): { limits?: EndpointLimits; errors: string[] } {
  const errors: string[] = [];
  const choice = raw.rateLimit === undefined || raw.rateLimit === '' ? 'auto' : String(raw.rateLimit);
  if (!(RATE_LIMIT_CHOICES as readonly string[]).includes(choice)) errors.push(`rateLimit "${choice}" is not one of ${RATE_LIMIT_CHOICES.join(', ')}`);
  const breakerFailures = number('breakerFailures', raw.breakerFailures, DEFAULT_BREAKER_FAILURES, 0, 1000, errors);
  const disableAfterH = number('disableAfter', raw.disableAfter, DEFAULT_DISABLE_AFTER_H, 0, 24 * 365, errors);
  let source: EndpointLimits['source'] = 'off';
  let rules: RateRule[] = [];
  if (choice === 'custom') {
    const requests = number('rateRequests', raw.rateRequests, 1, 1, 100_000, errors);
    const periodS = number('ratePeriod', raw.ratePeriod, 1, 0.001, 31 * 24 * 3600, errors);
    const burst = number('rateBurst', raw.rateBurst, requests, 1, 100_000, errors);
    if (!Number.isInteger(requests) || !Number.isInteger(burst)) errors.push('rateRequests and rateBurst must be whole numbers');
    source = 'custom';
    rules = [{ requests, periodMs: periodS * 1000, burst }];
  } else if (choice !== 'off') {
    const target = choice === 'auto' ? targetOfUrl(url) : (choice as TargetName);
    if (target && TARGET_LIMITS[target]) {
      source = target;
      rules = TARGET_LIMITS[target].map((rule) => ({ ...rule }));
    }
  }
  if (!Number.isInteger(breakerFailures)) errors.push('breakerFailures must be a whole number');
  if (errors.length) return { errors };
  return { errors, limits: { source, rules, breakerFailures, disableAfterMs: disableAfterH * 3600 * 1000 } };
}
