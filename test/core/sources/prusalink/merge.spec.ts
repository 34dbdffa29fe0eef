import assert from 'node:assert/strict';
import { mergeDetails, parseJob, parseStatus, parseVersion } from '../../../../src/sources/prusalink/merge';

describe('PrusaLink poll parsing', () => {
  it('reads the firmware status while printing', () => {
    const view = parseStatus({
      job: { id: 17, progress: 42, time_remaining: 3120, time_printing: 2210 },
      storage: { path: '/usb/', name: 'usb', read_only: false },
      printer: { state: 'PRINTING', temp_bed: 59.8, target_bed: 60, temp_nozzle: 214.9, fan_hotend: 5200 },
    });
    assert.deepEqual(view, { state: 'PRINTING', bedTemp: 59.8, job: { id: 17, progress: 42, remaining_s: 3120, elapsed_s: 2210 } });
  });

  it('reads the Raspberry Pi status, with the printer\'s own problem line', () => {
    const view = parseStatus({ storage: [{ path: '/local' }], printer: { state: 'error', temp_bed: 40, status_printer: { ok: false, message: 'Thermal runaway' } }, camera: { id: 'c' } });
    assert.deepEqual(view, { state: 'ERROR', bedTemp: 40, printerProblem: 'Thermal runaway' });
  });

  it('drops values of the wrong type, out of range or absurdly long', () => {
    const view = parseStatus({
      printer: { state: 'X'.repeat(10_000), temp_bed: 1e9 },
      job: { id: 'seventeen', progress: 'half' },
    });
    assert.equal(view.state?.length, 32);
    assert.equal(view.bedTemp, undefined);
    assert.equal(view.job, undefined);
    const clamped = parseStatus({ printer: { state: 'PRINTING' }, job: { id: 3, progress: 250, time_remaining: -5, time_printing: Number.NaN } });
    assert.deepEqual(clamped.job, { id: 3, progress: 100, remaining_s: undefined, elapsed_s: undefined });
    for (const hostile of [{}, { printer: [] }, { printer: null, job: [] }, { job: { id: -1 } }]) assert.doesNotThrow(() => parseStatus(hostile as Record<string, unknown>));
  });

  it('takes the job file\'s display name (the firmware\'s name is 8.3) and lays it over the same job only', () => {
    const details = parseJob({ id: 17, state: 'PRINTING', file: { name: 'SPICE~1.BGC', display_name: 'Spice_Harvester_MK4.bgcode', path: '/usb' } });
    assert.deepEqual(details, { id: 17, file: 'Spice_Harvester_MK4.bgcode', path: '/usb' });
    assert.equal(parseJob(undefined), undefined);
    assert.equal(parseJob({ state: 'PRINTING' }), undefined);
    const view = { state: 'PRINTING', job: { id: 17, progress: 1 } };
    assert.equal(mergeDetails(view, details).job?.file, 'Spice_Harvester_MK4.bgcode');
    assert.equal(mergeDetails({ ...view, job: { id: 18 } }, details).job?.file, undefined);
  });

  it('tells the firmware and the Raspberry Pi PrusaLink apart from /api/version', () => {
    assert.deepEqual(parseVersion({ api: '2.0.0', server: '2.1.2', text: 'PrusaLink', hostname: 'mk4', firmware: '6.2.0' }), { flavour: 'buddy', version: '6.2.0', model: undefined, hostname: 'mk4' });
    assert.deepEqual(parseVersion({ api: '2.0.0', server: '0.8.1', text: 'OctoPrint 1.1.0', original: 'PrusaLink I3MK3S', hostname: 'pi' }), { flavour: 'pi', version: '0.8.1', model: 'I3MK3S', hostname: 'pi' });
    assert.equal(parseVersion({ text: 'OctoPrint' }).flavour, 'unknown');
    assert.equal(parseVersion(undefined).flavour, 'unknown');
  });
});
