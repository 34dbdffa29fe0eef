import assert from 'node:assert/strict';
import { dateFromEpochSeconds, finiteNumber, isoFromEpochSeconds, MAX_EPOCH_S } from '../../../src/sources/plausible';

describe('core/sources plausible numbers and dates', () => {
  it('finiteNumber takes numbers and numeric strings within the bounds', () => {
    assert.equal(finiteNumber(5), 5);
    assert.equal(finiteNumber(' 7.5 '), 7.5);
    assert.equal(finiteNumber('', 0), undefined);
    assert.equal(finiteNumber('abc'), undefined);
    assert.equal(finiteNumber(Number.NaN), undefined);
    assert.equal(finiteNumber('1e400'), undefined, 'Infinity is not a number a printer means');
    assert.equal(finiteNumber(101, 0, 100), undefined);
    assert.equal(finiteNumber(-1, 0), undefined);
    assert.equal(finiteNumber({}), undefined);
    assert.equal(finiteNumber([3]), undefined);
  });

  it('epoch seconds become dates between 1970 and 2200 only, never an Invalid time value', () => {
    assert.equal(isoFromEpochSeconds(1763900100), '2025-11-23T12:15:00.000Z');
    assert.equal(isoFromEpochSeconds('1763900100'), '2025-11-23T12:15:00.000Z');
    assert.equal(isoFromEpochSeconds('99999999999999'), undefined, 'the Bambu frame from issue 13');
    assert.equal(isoFromEpochSeconds(8.64e12 + 1), undefined);
    assert.equal(isoFromEpochSeconds(MAX_EPOCH_S + 1), undefined);
    assert.equal(isoFromEpochSeconds(-5), undefined);
    assert.equal(isoFromEpochSeconds(1e308), undefined);
    assert.equal(dateFromEpochSeconds(MAX_EPOCH_S)?.toISOString(), '2200-01-01T00:00:00.000Z');
  });
});
