import type { AttemptResult } from './outcome';

/**
 * How long a target asked us to wait in its 429 (docs/delivery.md, "429"): Discord's JSON `retry_after`
 * (float seconds), Telegram's `parameters.retry_after` (seconds), else the Retry-After header
 * (seconds, fractions allowed, or an HTTP date). Milliseconds from `now`, or undefined when it named none.
 */
export function throttleWaitMs(result: AttemptResult, now: number): number | undefined {
  if (result.kind !== 'response') return undefined;
  return bodyWaitMs(result.body) ?? headerWaitMs(result.headers['retry-after'], now);
}

function seconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.ceil(n * 1000) : undefined;
}

function bodyWaitMs(body: Buffer): number | undefined {
  // only a small JSON object can carry it; anything else is not parsed
  if (body.length === 0 || body.length > 64 * 1024) return undefined;
  const first = body.subarray(0, 16).toString('utf8').trimStart()[0];
  if (first !== '{') return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    return seconds(parsed?.retry_after) ?? seconds(parsed?.parameters?.retry_after);
  } catch {
    return undefined;
  }
}

function headerWaitMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // an HTTP date has a weekday and month in letters; "-5" or "1e3" is not a date
  if (/^[\d+-]/.test(text) || !/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
