/** Quiet-hours windows in an IANA time zone, computed with Intl (no time-zone database of our own). */

export function parseClock(text: string): number | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Seconds since local midnight in the zone. */
export function localSecondOfDay(now: Date, zone: string): number {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(now).map((p) => [p.type, p.value]));
  return Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
}

/** Whether `now` is inside [start, end) local time; a window with start > end wraps past midnight. */
export function inQuietHours(now: Date, start: number, end: number, zone: string): boolean {
  const minute = Math.floor(localSecondOfDay(now, zone) / 60);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * Milliseconds until the window ends. Daylight-saving shifts can make this off by an hour; the
 * caller checks again when it fires and waits once more if still inside.
 */
export function msUntilQuietEnd(now: Date, end: number, zone: string): number {
  const second = localSecondOfDay(now, zone);
  const endSecond = end * 60;
  const delta = (endSecond - second + 86_400) % 86_400;
  return Math.max(1000, delta * 1000 - now.getMilliseconds());
}
