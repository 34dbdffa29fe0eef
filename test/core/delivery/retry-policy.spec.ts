import { strict as assert } from 'assert';
import { DEFAULT_SCHEDULE, RetryPolicy, parseRetryAfter, parseSchedule } from '../../../src/delivery/retry-policy';

describe('delivery/retry-policy', () => {
  const fixed = (r: number) => new RetryPolicy({ schedule: DEFAULT_SCHEDULE, jitter: 0.2, overloadDelay: 60, random: () => r });

  it('follows the Svix schedule: 8 attempts, then exhausted', () => {
    const p = fixed(0.5);
    assert.equal(p.maxAttempts, 8);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => p.nextDelayMs(n, { overload: false })), [5, 300, 1800, 7200, 18000, 36000, 36000].map((s) => s * 1000));
    assert.equal(p.nextDelayMs(8, { overload: false }), undefined);
  });

  it('applies ±20 % jitter at the extremes', () => {
    assert.equal(fixed(0).nextDelayMs(2, { overload: false }), 240_000);
    assert.equal(fixed(1).nextDelayMs(2, { overload: false }), 360_000);
  });

  it('clamps Retry-After into [base, 2 × base]', () => {
    const p = fixed(0.5);
    assert.equal(p.nextDelayMs(2, { overload: false, retryAfterMs: 1000 }), 300_000);
    assert.equal(p.nextDelayMs(2, { overload: false, retryAfterMs: 450_000 }), 450_000);
    assert.equal(p.nextDelayMs(2, { overload: false, retryAfterMs: 10_000_000 }), 600_000);
  });

  it('waits at least the overload delay after a 429 or a timeout, even with low jitter', () => {
    const p = fixed(0);
    assert.equal(p.nextDelayMs(1, { overload: true }), 60_000);
    assert.equal(p.nextDelayMs(1, { overload: true, retryAfterMs: 2000 }), 60_000);
    assert.equal(p.nextDelayMs(3, { overload: true }), 1_440_000);
  });

  it('parses Retry-After as seconds or an HTTP date, and ignores junk', () => {
    const now = Date.parse('2026-11-23T18:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 18:01:30 GMT', now), 90_000);
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 17:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('1.5', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('parses a comma-separated schedule and names a bad entry', () => {
    assert.deepEqual(parseSchedule(' 5, 300 ,1800'), [5, 300, 1800]);
    assert.deepEqual(parseSchedule(''), []);
    assert.throws(() => parseSchedule('5,abc'), /retrySchedule: "abc"/);
    assert.throws(() => parseSchedule('5,-1'), /"-1"/);
  });
});
