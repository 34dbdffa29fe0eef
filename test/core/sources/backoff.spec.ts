import assert from 'node:assert/strict';
import { Backoff } from '../../../src/sources/backoff';

describe('core/sources reconnect backoff (every source connection)', () => {
  it('doubles from the base to the ceiling without jitter', () => {
    const b = new Backoff({ baseMs: 1000, maxMs: 60_000, jitter: 0 });
    assert.deepEqual(Array.from({ length: 8 }, () => b.next()), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    b.reset();
    assert.equal(b.next(), 1000);
  });

  it('jitters within the fraction and never exceeds the ceiling', () => {
    const low = new Backoff({ baseMs: 1000, maxMs: 4000, jitter: 0.25, random: () => 0 });
    const high = new Backoff({ baseMs: 1000, maxMs: 4000, jitter: 0.25, random: () => 0.999 });
    assert.equal(low.next(), 750);
    assert.ok(high.next() <= 1250);
    for (let i = 0; i < 5; i += 1) assert.ok(high.next() <= 4000);
  });

  it('the slow lane for a rejected key waits at least the ceiling', () => {
    const b = new Backoff({ baseMs: 10, maxMs: 500, random: () => 0.5 });
    assert.ok(b.slow() >= 500);
  });

  it('defaults to 20 % jitter either way', () => {
    const b = new Backoff({ baseMs: 100, maxMs: 1000, jitter: 0, random: () => 0.5 });
    assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1000, 1000]);
    b.reset();
    assert.equal(b.next(), 100);
    const low = new Backoff({ baseMs: 1000, jitter: 0.2, random: () => 0 });
    const high = new Backoff({ baseMs: 1000, jitter: 0.2, random: () => 0.999999 });
    assert.equal(low.next(), 800);
    assert.equal(high.next(), 1200);
    assert.equal(new Backoff({ baseMs: 1000, random: () => 0 }).next(), 800);
  });
});
