import { strict as assert } from 'node:assert';
import { mergeReport } from '../../../../src/sources/bambu/merge';
import { fullReport } from '../../../fakes/bambu/reports';

describe('bambu report merge', () => {
  it('merges nested objects key by key and keeps what a delta leaves out', () => {
    const state = mergeReport({}, fullReport({ gcode_state: 'RUNNING', mc_percent: 10 }));
    mergeReport(state, { command: 'push_status', mc_percent: 11, ipcam: { timelapse: 'enable' } });
    assert.equal(state.gcode_state, 'RUNNING');
    assert.equal(state.mc_percent, 11);
    assert.deepEqual(state.ipcam, { ipcam_record: 'enable', timelapse: 'enable', rtsp_url: 'disable' });
  });

  it('replaces lists such as hms whole', () => {
    const state = mergeReport({}, { hms: [{ attr: 1, code: 2 }, { attr: 3, code: 4 }] });
    mergeReport(state, { hms: [{ attr: 5, code: 6 }] });
    assert.deepEqual(state.hms, [{ attr: 5, code: 6 }]);
    mergeReport(state, { hms: [] });
    assert.deepEqual(state.hms, []);
  });

  it('merges AMS units and their trays by id', () => {
    const state = mergeReport({}, fullReport());
    mergeReport(state, { ams: { ams: [{ id: '0', humidity: '3', tray: [{ id: '1', remain: 40 }] }, { id: '1', tray: [{ id: '0', tray_type: 'ABS' }] }] } });
    const units = (state.ams as { ams: Array<{ id: string; humidity?: string; temp?: string; tray: Array<Record<string, unknown>> }> }).ams;
    assert.equal(units.length, 2);
    assert.equal(units[0].humidity, '3');
    assert.equal(units[0].temp, '23.1');
    assert.deepEqual(units[0].tray, [
      { id: '0', tray_type: 'PLA', tray_color: 'F2754EFF', tray_sub_brands: 'PLA Basic', remain: 80 },
      { id: '1', tray_type: 'PETG', tray_color: '000000FF', tray_sub_brands: 'PETG HF', remain: 40 },
    ]);
    assert.deepEqual(units[1].tray, [{ id: '0', tray_type: 'ABS' }]);
    assert.equal((state.ams as { tray_now: string }).tray_now, '255');
  });

  it('does not share arrays with the report and ignores prototype keys', () => {
    const hms = [{ attr: 1, code: 2 }];
    const state = mergeReport({}, { hms });
    hms.push({ attr: 9, code: 9 });
    assert.equal((state.hms as unknown[]).length, 1);
    mergeReport(state, JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"x": 1}}}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('replaces a value whose type changes', () => {
    const state = mergeReport({}, { ams: 'none', stg: [1, 2] });
    mergeReport(state, { ams: { tray_now: '1' }, stg: 'x' });
    assert.deepEqual(state.ams, { tray_now: '1' });
    assert.equal(state.stg, 'x');
  });
});
