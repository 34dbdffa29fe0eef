import assert from 'node:assert/strict';
import { ReconnectBackoff } from '../../../../src/core/sources/octoprint/backoff';

describe('octoprint reconnect backoff', () => {
  it('doubles from the base to the ceiling without jitter', () => {
    const b = new ReconnectBackoff({ baseMs: 1000, maxMs: 60_000, jitter: 0 });
    assert.deepEqual(Array.from({ length: 8 }, () => b.next()), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    b.reset();
    assert.equal(b.next(), 1000);
  });

  it('jitters within the fraction and never exceeds the ceiling', () => {
    const low = new ReconnectBackoff({ baseMs: 1000, maxMs: 4000, jitter: 0.25, random: () => 0 });
    const high = new ReconnectBackoff({ baseMs: 1000, maxMs: 4000, jitter: 0.25, random: () => 0.999 });
    assert.equal(low.next(), 750);
    assert.ok(high.next() <= 1250);
    for (let i = 0; i < 5; i += 1) assert.ok(high.next() <= 4000);
  });

  it('the slow lane for a rejected key waits at least the ceiling', () => {
    const b = new ReconnectBackoff({ baseMs: 10, maxMs: 500, random: () => 0.5 });
    assert.ok(b.slow() >= 500);
  });
});
