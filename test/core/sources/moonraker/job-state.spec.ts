import assert from 'node:assert/strict';
import {
  historyOutcome,
  isStartEdge,
  jobStateOf,
  observationFrom,
  progressPercent,
  runoutSensor,
} from '../../../../src/sources/moonraker/job-state';

describe('moonraker job-state mapping', () => {
  it('maps print_stats states onto the tracker states', () => {
    const cases: Array<[string, string | undefined]> = [
      ['standby', 'idle'],
      ['printing', 'printing'],
      ['paused', 'paused'],
      ['complete', 'finished'],
      ['cancelled', 'cancelled'],
      ['error', 'failed'],
      ['weird', undefined],
    ];
    for (const [raw, expected] of cases) assert.equal(jobStateOf({ print_stats: { state: raw } }), expected, raw);
    assert.equal(jobStateOf({}), undefined);
  });

  it('treats a timelapse pause as still printing', () => {
    assert.equal(jobStateOf({ print_stats: { state: 'paused' }, 'gcode_macro TIMELAPSE_TAKE_FRAME': { is_paused: true } }), 'printing');
    assert.equal(jobStateOf({ print_stats: { state: 'paused' }, 'gcode_macro TIMELAPSE_TAKE_FRAME': { is_paused: false } }), 'paused');
  });

  it('finds start edges by Moonraker job_state rules', () => {
    assert.equal(isStartEdge('standby', 'printing'), true);
    assert.equal(isStartEdge('complete', 'printing'), true);
    assert.equal(isStartEdge('cancelled', 'paused'), true);
    assert.equal(isStartEdge('standby', 'complete'), true);
    assert.equal(isStartEdge('complete', 'standby'), false);
    assert.equal(isStartEdge(undefined, 'printing'), false, 'the first state is a baseline');
    assert.equal(isStartEdge('printing', 'paused'), false);
    assert.equal(isStartEdge('paused', 'printing', 'a.gcode', 'a.gcode'), false);
    assert.equal(isStartEdge('paused', 'printing', 'a.gcode', 'b.gcode'), true);
    assert.equal(isStartEdge('printing', 'printing'), false);
  });

  it('computes progress from the file position within the G-code body, else virtual_sdcard', () => {
    const objects = { virtual_sdcard: { file_position: 30_000, progress: 0.25 } };
    assert.equal(progressPercent(objects, { gcode_start_byte: 10_000, gcode_end_byte: 50_000 }), 50);
    assert.equal(progressPercent(objects), 25);
    assert.equal(progressPercent({ virtual_sdcard: { file_position: 5000 } }, { gcode_start_byte: 10_000, gcode_end_byte: 50_000 }), 0);
    assert.equal(progressPercent({ virtual_sdcard: { file_position: 60_000 } }, { gcode_start_byte: 10_000, gcode_end_byte: 50_000 }), 100);
    assert.equal(progressPercent(objects, { gcode_start_byte: 10, gcode_end_byte: 10 }), 25);
    assert.equal(progressPercent({}), undefined);
  });

  it('builds observations: layers from SET_PRINT_STATS_INFO, durations, error text, runout reason', () => {
    const obs = observationFrom(
      {
        print_stats: { state: 'printing', filename: 'a.gcode', total_duration: 120.6, print_duration: 100, info: { total_layer: 50, current_layer: 3 } },
        virtual_sdcard: { progress: 0.1 },
        heater_bed: { temperature: 59.8, target: 60 },
      },
      { estimated_time: 1000 },
      'job1',
    );
    assert.deepEqual(obs, { state: 'printing', jobKey: 'job1', file: 'a.gcode', progress: 10, layer: 3, layers: 50, elapsed_s: 121, remaining_s: 900, bedTemp: 59.8 });
    const noInfo = observationFrom({ print_stats: { state: 'printing', filename: '', info: { total_layer: null, current_layer: 0 }, print_duration: 100 }, virtual_sdcard: { progress: 0.5 } });
    assert.equal(noInfo.layer, undefined);
    assert.equal(noInfo.layers, undefined);
    assert.equal(noInfo.file, undefined);
    assert.equal(noInfo.remaining_s, 100);
    const failed = observationFrom({ print_stats: { state: 'error', message: 'Move out of range' } });
    assert.deepEqual(failed.error, { code: 'print_error', message: 'Move out of range', severity: 'fatal' });
    const runout = observationFrom({ print_stats: { state: 'paused' }, 'filament_switch_sensor s': { enabled: true, filament_detected: false } });
    assert.equal(runout.reason, 'filament_runout');
  });

  it('ignores disabled or loaded filament sensors', () => {
    assert.equal(runoutSensor({ 'filament_switch_sensor a': { enabled: false, filament_detected: false } }), undefined);
    assert.equal(runoutSensor({ 'filament_motion_sensor b': { enabled: true, filament_detected: true } }), undefined);
    assert.equal(runoutSensor({ 'filament_motion_sensor b': { enabled: true, filament_detected: false } }), 'b');
  });

  it('maps history statuses to one outcome each, including server_exit', () => {
    assert.deepEqual(historyOutcome('completed'), { outcome: 'finished' });
    assert.deepEqual(historyOutcome('cancelled'), { outcome: 'cancelled', reason: 'cancelled' });
    for (const s of ['error', 'klippy_shutdown', 'klippy_disconnect', 'interrupted', 'server_exit']) assert.equal(historyOutcome(s)?.outcome, 'failed');
    assert.equal(historyOutcome('in_progress'), undefined);
  });
});
