import assert from 'node:assert/strict';
import { BedCooledWatch, DEFAULT_BED_COOLED_C, parseBedCooled } from '../../src/bed-cooled';
import type { JobInfo } from '../../src/event';

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

describe('core/bed-cooled decision', () => {
  const job: JobInfo = { id: 'j1', started_at: '2025-01-01T00:00:00.000Z', file: 'cube.gcode' };

  it('reports nothing before a job has ended, however cold the bed', () => {
    const watch = new BedCooledWatch();
    assert.equal(watch.reading(10, false), undefined);
  });

  it('after a job ends, reports that job once, at the first reading below the threshold', () => {
    const watch = new BedCooledWatch(35);
    watch.jobEnded(job);
    assert.equal(watch.reading(60, false), undefined);
    assert.equal(watch.reading(35, false), undefined, 'the threshold itself is not below it');
    assert.deepEqual(watch.reading(34.9, false), job);
    assert.equal(watch.reading(20, false), undefined, 'once only');
  });

  it('keeps its own copy of the ended job', () => {
    const watch = new BedCooledWatch();
    const info = { ...job };
    watch.jobEnded(info);
    info.file = 'changed.gcode';
    assert.equal(watch.reading(20, false)?.file, 'cube.gcode');
  });

  it('ignores readings that are missing or not numbers and keeps waiting', () => {
    const watch = new BedCooledWatch();
    watch.jobEnded(job);
    assert.equal(watch.reading(undefined, false), undefined);
    assert.equal(watch.reading(Number.NaN, false), undefined);
    assert.deepEqual(watch.reading(DEFAULT_BED_COOLED_C - 1, false), job);
  });

  it('drops the wait when a job is active at the next reading', () => {
    const watch = new BedCooledWatch();
    watch.jobEnded(job);
    assert.equal(watch.reading(60, true), undefined);
    assert.equal(watch.reading(20, false), undefined);
  });

  it('0 switches it off', () => {
    const watch = new BedCooledWatch(0);
    watch.jobEnded(job);
    assert.equal(watch.reading(-5, false), undefined);
  });
});
