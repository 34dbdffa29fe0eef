/**
 * Numbers and dates from a printer, checked before use (docs/robustness.md). A printer can send any
 * value: `new Date(x).toISOString()` throws "Invalid time value" beyond ±8.64e15 ms, and a finite but
 * absurd number (a start time in the year 300000) is still not a time. These helpers answer
 * `undefined` instead of throwing or passing nonsense on.
 */

/** 2200-01-01T00:00:00Z in epoch seconds: later "times" from a printer are taken as garbage. */
export const MAX_EPOCH_S = 7_258_118_400;

/** A finite number (numbers and numeric strings), optionally within [min, max]; else undefined. */
export function finiteNumber(value: unknown, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return n >= min && n <= max ? n : undefined;
}

/** Epoch seconds (number or numeric string) → a Date, when after 1970 and before 2200; else undefined. */
export function dateFromEpochSeconds(value: unknown): Date | undefined {
  const seconds = finiteNumber(value, 0, MAX_EPOCH_S);
  return seconds === undefined ? undefined : new Date(seconds * 1000);
}

/** Epoch seconds → ISO 8601 text, or undefined for anything that is not a plausible time. */
export function isoFromEpochSeconds(value: unknown): string | undefined {
  return dateFromEpochSeconds(value)?.toISOString();
}
