import { strict as assert } from 'node:assert';
import type { PrinterEvent } from '../../../../src/event';
import { BambuConnection } from '../../../../src/sources/bambu/connection';
import { mergeReport, type BambuState } from '../../../../src/sources/bambu/merge';
import { BambuMonitor } from '../../../../src/sources/bambu/monitor';
import { delta, fullReport, idleAfterFinish, type Report } from '../../../fakes/bambu/reports';

/** Drives a monitor the way the connection does (baseline, then merged deltas) without a network. */
function scenario(first: Report, includeRaw = false) {
  const connection = new BambuConnection({ host: '127.0.0.1', serial: 'S1', accessCode: 'x', tls: { mode: 'insecure' } });
  const events: PrinterEvent[] = [];
  const state: BambuState = {};
  let t = Date.parse('2026-11-23T10:00:00Z');
  const monitor = new BambuMonitor({
    printer: { id: 'p1', name: 'P1S', kind: 'bambu' },
    connection,
    emit: (e) => events.push(e),
    offlineDelayMs: 10_000,
    includeRaw,
    now: () => new Date((t += 1000)),
  });
  mergeReport(state, first);
  monitor.baseline(state);
  return {
    events,
    monitor,
    feed(...reports: Report[]) {
      for (const r of reports) {
        mergeReport(state, r);
        monitor.report(r, state);
      }
    },
    reconnect(report: Report) {
      monitor.down();
      mergeReport(state, report);
      monitor.baseline(state);
    },
    types: () => events.map((e) => e.type).filter((t) => t !== 'printer.online' && t !== 'printer.bed_cooled'),
    of: (type: string) => events.filter((e) => e.type === type),
    done: () => monitor.dispose(),
  };
}

const START = delta({ gcode_state: 'PREPARE', subtask_name: 'cube', gcode_start_time: '1763900100', task_id: '0' });

describe('bambu lifecycle', () => {
  it('a normal job: started, progress, layers, remaining time, done once', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING', mc_percent: 1, layer_num: 1, total_layer_num: 20, mc_remaining_time: 30 }));
    s.feed(delta({ mc_percent: 2, layer_num: 2 }), delta({ mc_percent: 3 }));
    s.feed(delta({ gcode_state: 'FINISH', mc_percent: 100, layer_num: 20 }), delta({ gcode_state: 'FINISH' }));
    assert.deepEqual(s.types(), ['print.started', 'print.progress', 'print.layer', 'print.progress', 'print.layer', 'print.progress', 'print.done']);
    const done = s.of('print.done')[0];
    assert.equal(done.job?.file, 'cube');
    assert.equal(done.job?.layers, 20);
    assert.equal(done.job?.started_at, new Date(1763900100 * 1000).toISOString());
    const layer = s.of('print.layer')[1];
    assert.equal(layer.job?.layer, 2);
    assert.equal(layer.job?.remaining_s, 1800);
    assert.equal(s.of('print.started')[0].job?.id, 'lan:cube||1763900100');
    s.done();
  });

  it('cloud jobs are keyed by task and subtask id', () => {
    const s = scenario(fullReport());
    s.feed(delta({ gcode_state: 'RUNNING', task_id: '715417865', subtask_id: '715417867', subtask_name: 'plate' }));
    assert.equal(s.of('print.started')[0].job?.id, 'task:715417865:715417867');
    s.done();
  });

  it('pause and resume; a runout pause asks for attention once', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING' }), delta({ gcode_state: 'PAUSE', stg_cur: 16 }), delta({ gcode_state: 'RUNNING', stg_cur: 0 }));
    s.feed(delta({ gcode_state: 'PAUSE', print_error: 0x03008004, stg_cur: 6 }), delta({ print_error: 0x03008004 }), delta({ gcode_state: 'RUNNING', print_error: 0 }));
    assert.deepEqual(s.types(), ['print.started', 'print.paused', 'printer.attention', 'print.resumed', 'print.paused', 'printer.attention', 'print.resumed']);
    const [userPause, runoutPause] = s.of('print.paused');
    assert.equal(userPause.reason, 'user');
    assert.equal(runoutPause.reason, 'filament_runout');
    const runout = s.of('printer.attention')[1];
    assert.equal(runout.reason, 'filament_runout');
    assert.equal(runout.error?.message, 'Filament ran out. Please load new filament.');
    assert.equal(s.of('printer.error').length, 0, 'a runout is attention, not an error');
    s.done();
  });

  it('cancel: 0300_400C twice, then FAILED, gives one print.cancelled and no print.failed', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING', mc_percent: 30 }));
    s.feed(delta({ print_error: 50348044 }), delta({ print_error: 50348044 }));
    s.feed(delta({ gcode_state: 'FAILED', fail_reason: '50348044' }), delta({ print_error: 0 }), delta({ gcode_state: 'IDLE' }));
    const types = s.types();
    assert.equal(types.filter((t) => t === 'print.cancelled').length, 1);
    assert.ok(!types.includes('print.failed'));
    assert.ok(!types.includes('printer.error'));
    assert.equal(s.of('print.cancelled')[0].reason, 'user');
    s.done();
  });

  it('cancel seen only as FAILED with fail_reason 50348044, and the mainboard echo 0500_400E', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING' }), delta({ gcode_state: 'FAILED', fail_reason: '50348044', print_error: 0 }));
    s.feed(delta({ gcode_state: 'PREPARE', subtask_name: 'second', gcode_start_time: '1763909999', fail_reason: '0' }), delta({ gcode_state: 'RUNNING' }));
    s.feed(delta({ print_error: 83902478 }), delta({ gcode_state: 'FAILED' }));
    assert.deepEqual(s.types(), ['print.started', 'print.cancelled', 'print.started', 'print.cancelled']);
    s.done();
  });

  it('RUNNING straight to IDLE is a cancel with reason aborted', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING' }), delta({ gcode_state: 'IDLE' }));
    assert.deepEqual(s.types(), ['print.started', 'print.cancelled']);
    assert.equal(s.of('print.cancelled')[0].reason, 'aborted');
    s.done();
  });

  it('a failure: printer.error for the new code and one print.failed carrying it', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING' }), delta({ print_error: 0x0500400c }), delta({ gcode_state: 'FAILED' }), delta({ gcode_state: 'FAILED' }));
    assert.deepEqual(s.types(), ['print.started', 'printer.error', 'print.failed']);
    const failed = s.of('print.failed')[0];
    assert.equal(failed.error?.code, '0500_400C');
    assert.equal(failed.reason, 'error');
    assert.match(failed.error?.url ?? '', /hmscode\/0500_400C$/);
    s.done();
  });

  it('each new HMS entry is one printer.error with severity, text and link', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING' }));
    const hms = { attr: 0x03000100, code: 0x00010007 };
    s.feed(delta({ hms: [hms] }), delta({ hms: [hms] }), delta({ hms: [hms, { attr: 0x0c000300, code: 0x00030007 }] }));
    const errors = s.of('printer.error');
    assert.deepEqual(errors.map((e) => e.error?.code), ['HMS_0300_0100_0001_0007', 'HMS_0C00_0300_0003_0007']);
    assert.equal(errors[0].error?.severity, 'fatal');
    assert.equal(errors[1].error?.severity, 'warning');
    assert.match(errors[0].error?.message ?? '', /heatbed/);
    assert.ok(errors[0].job, 'raised during a job, the error names it');
    s.done();
  });

  it('an idle printer still reporting FINISH produces nothing on connect or reconnect', () => {
    const s = scenario(idleAfterFinish());
    s.feed(delta({ wifi_signal: '-50dBm' }));
    s.reconnect(idleAfterFinish());
    s.reconnect(idleAfterFinish());
    assert.deepEqual(s.types(), []);
    assert.equal(s.of('printer.online').length, 1);
    s.done();
  });

  it('a job that finished while disconnected is reconciled once on reconnect', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING', mc_percent: 50 }));
    s.reconnect(fullReport({ gcode_state: 'FINISH', subtask_name: 'cube', gcode_start_time: '1763900100', mc_percent: 100 }));
    s.reconnect(fullReport({ gcode_state: 'FINISH', subtask_name: 'cube', gcode_start_time: '1763900100', mc_percent: 100 }));
    assert.deepEqual(s.types(), ['print.started', 'print.progress', 'print.done']);
    s.done();
  });

  it('connecting mid-print is a baseline; the job continues without a second start', () => {
    const s = scenario(fullReport({ gcode_state: 'RUNNING', subtask_name: 'vase', task_id: '0', gcode_start_time: '1763900000', mc_percent: 40 }));
    s.feed(delta({ mc_percent: 41 }));
    s.reconnect(fullReport({ gcode_state: 'RUNNING', subtask_name: 'vase', task_id: '0', gcode_start_time: '1763900000', mc_percent: 60 }));
    s.feed(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
    assert.deepEqual(s.types(), ['print.progress', 'print.done']);
    s.done();
  });

  it('reprinting the same LAN file before its name changes still starts a new job', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'RUNNING' }), delta({ gcode_state: 'FINISH' }));
    s.feed(delta({ gcode_state: 'PREPARE' }), delta({ gcode_state: 'RUNNING' }), delta({ gcode_state: 'FINISH' }));
    assert.deepEqual(s.types(), ['print.started', 'print.done', 'print.started', 'print.done']);
    const ids = s.of('print.started').map((e) => e.job?.id);
    assert.notEqual(ids[0], ids[1]);
    s.done();
  });

  it('a job rejected in PREPARE fails; INIT and unknown states change nothing', () => {
    const s = scenario(fullReport());
    s.feed(START, delta({ gcode_state: 'INIT' }), delta({ gcode_state: 'weird' }), delta({ gcode_state: 'FAILED', print_error: 0x03004009 }));
    assert.deepEqual(s.types(), ['print.started', 'print.failed', 'printer.error']);
    s.done();
  });

  it('offline is debounced and online is announced once per outage', async () => {
    const s = scenario(fullReport());
    s.monitor.down();
    s.reconnect(fullReport());
    assert.deepEqual(s.events.filter((e) => e.type.startsWith('printer.o')).map((e) => e.type), ['printer.online']);
    s.done();
  });

  it('attaches the report as raw only when asked', () => {
    const plain = scenario(fullReport());
    plain.feed(START);
    assert.equal(plain.of('print.started')[0].raw, undefined);
    plain.done();
    const s = scenario(fullReport(), true);
    s.feed(START);
    assert.deepEqual(s.of('print.started')[0].raw, START);
    s.done();
  });
});
