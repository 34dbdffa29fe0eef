import { reject, type VerifyOutcome } from './scheme';

/** Checks a timestamp header: integer Unix seconds within `tolerance` of `now` in both directions. */
export function checkTimestamp(raw: string | undefined, now: number, tolerance: number, header: string): VerifyOutcome {
  if (raw === undefined || raw === '') return reject('missing-header', `no ${header} header`);
  if (!/^\d{1,12}$/.test(raw)) return reject('bad-timestamp', `${header} "${raw.slice(0, 40)}" is not whole Unix seconds`);
  const ts = Number(raw);
  if (now - ts > tolerance) return reject('timestamp-too-old', `${header} is ${now - ts} s old (tolerance ${tolerance} s)`);
  if (ts - now > tolerance) return reject('timestamp-too-new', `${header} is ${ts - now} s in the future (tolerance ${tolerance} s)`);
  return { ok: true, timestamp: ts };
}
