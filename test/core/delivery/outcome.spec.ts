import { strict as assert } from 'assert';
import { AttemptResult, isOverload, verdictOf } from '../../../src/delivery/outcome';

const status = (s: number): AttemptResult => ({ kind: 'response', status: s, headers: {}, body: Buffer.alloc(0), durationMs: 1 });

describe('delivery/outcome', () => {
  it('maps statuses to verdicts per docs/delivery.md', () => {
    const table: Array<[number, string]> = [
      [200, 'delivered'], [204, 'delivered'], [299, 'delivered'],
      [301, 'retry'], [302, 'retry'], [307, 'retry'],
      [400, 'permanent'], [401, 'permanent'], [404, 'permanent'], [422, 'permanent'],
      [408, 'retry'], [429, 'retry'], [410, 'gone'],
      [500, 'retry'], [502, 'retry'], [503, 'retry'],
    ];
    for (const [s, v] of table) assert.equal(verdictOf(status(s)), v, String(s));
    assert.equal(verdictOf({ kind: 'timeout', error: 't', durationMs: 1 }), 'retry');
    assert.equal(verdictOf({ kind: 'network', error: 'ECONNREFUSED', durationMs: 1 }), 'retry');
  });

  it('treats only 429 and timeouts as overload', () => {
    assert.equal(isOverload(status(429)), true);
    assert.equal(isOverload(status(503)), false);
    assert.equal(isOverload({ kind: 'timeout', error: 't', durationMs: 1 }), true);
    assert.equal(isOverload({ kind: 'network', error: 'x', durationMs: 1 }), false);
  });
});
