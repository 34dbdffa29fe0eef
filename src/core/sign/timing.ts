import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two strings; different lengths are unequal without comparing contents. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // same work as a comparison, so a length mismatch is not a fast path
    return false;
  }
  return timingSafeEqual(x, y);
}
