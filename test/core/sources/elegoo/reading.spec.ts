import assert from 'node:assert/strict';
import { cc2Phase, sdcpPhase } from '../../../../src/sources/elegoo/codes';
import { observationOf } from '../../../../src/sources/elegoo/job-state';
import { cc2Reading, sdcpReading } from '../../../../src/sources/elegoo/reading';

describe('elegoo status tables and readings', () => {
  it('follows the firmware table for the Centauri Carbon: 8 cancelled, 9 completed, 13 printing, 14 failed', () => {
    assert.equal(sdcpPhase('cc', 8), 'cancelled');
    assert.equal(sdcpPhase('cc', 9), 'completed');
    assert.equal(sdcpPhase('cc', 13), 'printing');
    assert.equal(sdcpPhase('cc', 14), 'failed');
    assert.equal(sdcpPhase('cc', 10), 'preparing');
    assert.equal(sdcpPhase('cc', 20), 'preparing', 'not "resuming" as community tables say');
    assert.equal(sdcpPhase('cc', 1), 'unknown', 'homing is seen while warming up and while cancelling');
    assert.equal(sdcpPhase('cc', 25), 'unknown');
    assert.equal(sdcpPhase('cc', 3), 'unknown', 'exposing is resin only');
  });

  it('uses the resin table for resin printers, where 1-4 are all printing', () => {
    assert.deepEqual([1, 2, 3, 4].map((s) => sdcpPhase('resin', s)), ['printing', 'printing', 'printing', 'printing']);
    assert.equal(sdcpPhase('resin', 8), 'cancelled');
    assert.equal(sdcpPhase('resin', 13), 'unknown');
  });

  it('maps CC2 status and sub_status, emergency stop first', () => {
    assert.equal(cc2Phase(2, 2075), 'printing');
    assert.equal(cc2Phase(2, 2077), 'completed');
    assert.equal(cc2Phase(2, 2505), 'paused');
    assert.equal(cc2Phase(2, 2504), 'cancelled');
    assert.equal(cc2Phase(2, 1405), 'preparing');
    assert.equal(cc2Phase(14, 2075), 'failed');
    assert.equal(cc2Phase(1, 0), 'idle');
    assert.equal(cc2Phase(11, 3000), 'unknown');
  });

  it('reads Centauri Carbon ticks as seconds and resin ticks as milliseconds', () => {
    const info = { Status: 13, CurrentTicks: 600, TotalTicks: 1800, CurrentLayer: 10, TotalLayer: 100, Progress: 33, TaskId: 't', Filename: '/local/a.gcode' };
    const cc = sdcpReading({ PrintInfo: info, TempOfHotbed: 55 }, 'cc');
    assert.equal(cc.elapsed_s, 600);
    assert.equal(cc.remaining_s, 1200);
    assert.equal(cc.progress, 33);
    assert.equal(cc.file, 'a.gcode');
    assert.equal(cc.bedTemp, 55);
    const resin = sdcpReading({ PrintInfo: { ...info, Status: 3, CurrentTicks: 600_000, TotalTicks: 1_800_000 } }, 'resin');
    assert.equal(resin.elapsed_s, 600);
    assert.equal(resin.remaining_s, 1200);
    assert.equal(resin.progress, 10, 'resin progress comes from layers');
  });

  it('reports a resin ErrorNumber as a printer fault, and a completed job at 100 %', () => {
    const r = sdcpReading({ PrintInfo: { Status: 8, ErrorNumber: 3, TaskId: 'x' } }, 'resin');
    assert.deepEqual(r.errors.map((e) => e.code), ['error_number_3']);
    assert.equal(sdcpReading({ PrintInfo: { Status: 9, Progress: 97 } }, 'cc').progress, 100);
  });

  it('drops nonsense values instead of passing them on', () => {
    const r = sdcpReading({ PrintInfo: { Status: 'x', Progress: 1e308, CurrentLayer: -1, TotalLayer: 'many', CurrentTicks: -5, TaskId: { a: 1 }, Filename: 7 } }, 'cc');
    assert.equal(r.phase, 'unknown');
    assert.equal(r.progress, undefined);
    assert.equal(r.layer, undefined);
    assert.equal(r.elapsed_s, undefined);
    assert.equal(r.taskId, undefined);
    assert.equal(r.file, undefined);
  });

  it('CC2: runout from the sensor or code 109 (not a fault), other codes as faults; a stop with a fault is a failure', () => {
    const base = { machine_status: { status: 2, sub_status: 2502, exception_status: [] }, extruder: { filament_detect_enable: 1, filament_detected: 0 } };
    assert.equal(cc2Reading(base).runout, true);
    assert.equal(cc2Reading({ ...base, extruder: { filament_detect_enable: 0, filament_detected: 0 } }).runout, false, 'a disabled sensor says nothing');
    const coded = cc2Reading({ machine_status: { status: 2, sub_status: 2502, exception_status: [109] } });
    assert.equal(coded.runout, true);
    assert.deepEqual(coded.errors, []);
    const stopped = cc2Reading({ machine_status: { status: 2, sub_status: 2504, exception_status: [501] } });
    assert.equal(stopped.phase, 'failed');
    assert.equal(stopped.errors[0].code, 'exception_501');
  });

  it('observations leave out the counters of a job the printer has already cleared', () => {
    const cleared = observationOf(sdcpReading({ PrintInfo: { Status: 8, TaskId: '', Filename: '', CurrentTicks: 0, Progress: 0 } }, 'cc'));
    assert.equal(cleared.state, 'cancelled');
    assert.equal(cleared.reason, 'user');
    assert.equal(cleared.elapsed_s, undefined);
    assert.equal(cleared.progress, undefined);
    const failed = observationOf(sdcpReading({ PrintInfo: { Status: 14, TaskId: 't' } }, 'cc'));
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.code, 'status_14');
    assert.equal(observationOf(sdcpReading({ PrintInfo: { Status: 5, TaskId: 't' } }, 'cc')).state, undefined, 'pausing changes nothing yet');
  });
});
