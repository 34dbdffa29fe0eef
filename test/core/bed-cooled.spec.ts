import assert from 'node:assert/strict';
import { DEFAULT_BED_COOLED_C, parseBedCooled } from '../../src/bed-cooled';

describe('core/bed-cooled threshold field', () => {
  it('empty means the default, 0 means off, numbers and numeric text are taken', () => {
    assert.equal(parseBedCooled(undefined), DEFAULT_BED_COOLED_C);
    assert.equal(parseBedCooled(''), DEFAULT_BED_COOLED_C);
    assert.equal(parseBedCooled(0), 0);
    assert.equal(parseBedCooled('42.5'), 42.5);
  });

  it('refuses what is not a temperature, naming the field', () => {
    for (const bad of ['warm', -1, 151, Number.NaN]) {
      assert.throws(() => parseBedCooled(bad), /bedCooled ".*" must be a temperature in °C from 0 \(off\) to 150/);
    }
  });
});
