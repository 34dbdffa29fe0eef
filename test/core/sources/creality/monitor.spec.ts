import assert from 'node:assert/strict';
import type { PrinterEvent } from '../../../../src/event';
import { CrealityConnection } from '../../../../src/sources/creality/connection';
import type { CrealityState } from '../../../../src/sources/creality/merge';
import { CrealityMonitor } from '../../../../src/sources/creality/monitor';
import { finishedIdleStatus } from '../../../fakes/creality/fake-creality';

const GCODES = '/usr/data/printer_data/gcodes/';

/** A monitor on a connection that is never started: the test plays the connection's part. */
function harness(initial: CrealityState = finishedIdleStatus()) {
  const connection = new CrealityConnection({ host: '127.0.0.1', port: 1 });
  const events: PrinterEvent[] = [];
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const monitor = new CrealityMonitor({ printer: { id: 'k1c', name: 'K1C', kind: 'creality' }, connection, emit: (e) => events.push(e), offlineDelayMs: 30, now: () => new Date((clock += 1000)) });
  let state: CrealityState = { ...initial };
  return {
    events,
    monitor,
    types: () => events.map((e) => e.type),
    connect(fields: CrealityState = state) {
      state = { ...fields };
      monitor.baseline(state);
    },
    feed(fields: CrealityState) {
      Object.assign(state, fields);
      monitor.report(fields, state);
    },
    drop(silentMs = 0) {
      monitor.down('gone', silentMs);
    },
    get state() {
      return state;
    },
  };
}

function start(h: ReturnType<typeof harness>, file: string, startTime: number): void {
  h.feed({ state: 1, printFileName: GCODES + file, printStartTime: startTime, printProgress: 0, layer: 0, TotalLayer: 100, bedTemp0: '60.0' });
}

describe('creality: monitor lifecycle', () => {
  it('takes the finished job an idle printer still shows as a baseline: nothing announced', () => {
    const h = harness();
    h.connect();
    h.feed({ deviceState: 0, nozzleTemp: '25.00' });
    h.feed({ state: 2, printProgress: 100 });
    assert.deepEqual(h.types(), ['printer.online']);
    h.monitor.dispose();
  });

  it('a print with a pause: started, progress, layers, paused, resumed, done, once each', () => {
    const h = harness();
    h.connect();
    start(h, 'benchy.gcode', 1_781_700_000);
    h.feed({ printProgress: '1', layer: 1 });
    h.feed({ printProgress: '2', layer: 2 });
    h.feed({ state: 6 });
    h.feed({ state: 5 });
    h.feed({ state: 1 });
    h.feed({ printProgress: '3', layer: 3 });
    h.feed({ state: 2, printProgress: 100, printLeftTime: 0 });
    h.feed({ deviceState: 0 });
    assert.deepEqual(h.types(), ['printer.online', 'print.started', 'print.progress', 'print.progress', 'print.layer', 'print.paused', 'print.resumed', 'print.progress', 'print.layer', 'print.done']);
    const done = h.events.at(-1)!;
    assert.equal(done.job?.id, '1781700000:benchy.gcode');
    assert.equal(done.job?.file, 'benchy.gcode');
    assert.equal(done.job?.started_at, new Date(1_781_700_000 * 1000).toISOString());
    h.monitor.dispose();
  });

  it('stopping then aborted is one print.cancelled; a printer error ending it is print.failed', () => {
    const h = harness();
    h.connect();
    start(h, 'a.gcode', 1_781_700_000);
    h.feed({ state: 7 });
    h.feed({ state: 4 });
    start(h, 'b.gcode', 1_781_700_600);
    h.feed({ err: { errcode: 209, key: 209, value: '' } });
    h.feed({ state: 3 });
    assert.deepEqual(h.types(), ['printer.online', 'print.started', 'print.cancelled', 'print.started', 'printer.error', 'print.failed']);
    assert.equal(h.events[2].reason, 'user');
    assert.equal(h.events[5].error?.code, '209');
    assert.equal(h.events[5].job?.file, 'b.gcode');
    h.monitor.dispose();
  });

  it('a start that still shows the last job\'s start time is a new job, keyed once', () => {
    const h = harness();
    h.connect();
    h.feed({ state: 1 }); // the file and start time of the finished cube come later
    h.feed({ printFileName: GCODES + 'next.gcode', printStartTime: 1_781_700_000 });
    h.feed({ printProgress: 5 });
    h.feed({ state: 2, printProgress: 100 });
    const started = h.events.filter((e) => e.type === 'print.started');
    assert.equal(started.length, 1);
    const done = h.events.filter((e) => e.type === 'print.done');
    assert.equal(done.length, 1);
    assert.equal(done[0].job?.id, started[0].job?.id);
    assert.match(started[0].job!.id, /^auto:/);
    assert.equal(done[0].job?.file, 'next.gcode');
    h.monitor.dispose();
  });

  it('a runout is one printer.attention and a paused reason; power-loss recovery asks once', () => {
    const h = harness();
    h.connect();
    start(h, 'a.gcode', 1_781_700_000);
    h.feed({ materialDetector1: 1 });
    h.feed({ state: 6 });
    h.feed({ state: 5 });
    h.feed({ nozzleTemp: '200.1' });
    assert.deepEqual(h.types().slice(2), ['printer.attention', 'print.paused']);
    assert.equal(h.events[2].reason, 'filament_runout');
    assert.equal(h.events[3].reason, 'filament_runout');
    h.feed({ repoPlrStatus: 1 });
    h.feed({ repoPlrStatus: 1, nozzleTemp: '199' });
    assert.equal(h.types().filter((t) => t === 'printer.attention').length, 2);
    assert.equal(h.events.at(-1)?.reason, 'power_loss_recovery');
    h.monitor.dispose();
  });

  it('a connection dropped mid-print: the end seen at reconnect is announced once, with no second start', async () => {
    const h = harness();
    h.connect();
    start(h, 'a.gcode', 1_781_700_000);
    h.feed({ printProgress: 40 });
    h.drop();
    const away = { ...h.state, state: 2, printProgress: 100, printLeftTime: 0 };
    h.connect(away);
    h.drop();
    h.connect(away);
    const types = h.types();
    assert.equal(types.filter((t) => t === 'print.done').length, 1);
    assert.equal(types.filter((t) => t === 'print.started').length, 1);
    assert.equal(types.filter((t) => t === 'print.progress').length, 1);
    assert.equal(types.includes('printer.offline'), false, 'reconnected within the offline delay');
    h.monitor.dispose();
  });

  it('a printer found idle after a drop mid-print (it restarted): one print.cancelled, reason aborted', () => {
    const h = harness();
    h.connect();
    start(h, 'a.gcode', 1_781_700_000);
    h.drop();
    h.connect({ ...h.state, state: 0, printFileName: '', printStartTime: 0, printProgress: 0 });
    h.drop();
    h.connect({ ...h.state, state: 0, printFileName: '', printStartTime: 0, printProgress: 0 });
    assert.deepEqual(h.types().slice(1), ['print.started', 'print.cancelled']);
    assert.equal(h.events.at(-1)?.reason, 'aborted');
    assert.equal(h.events.at(-1)?.job?.file, 'a.gcode');
    h.monitor.dispose();
  });

  it('a job still running at reconnect continues without a second start and without a progress burst', () => {
    const h = harness();
    h.connect();
    start(h, 'a.gcode', 1_781_700_000);
    h.drop();
    h.connect({ ...h.state, printProgress: 60 });
    h.feed({ printProgress: 61 });
    assert.deepEqual(h.types().slice(1), ['print.started', 'print.progress']);
    assert.equal(h.events.at(-1)?.job?.progress, 61);
    h.monitor.dispose();
  });

  it('silence counts towards the offline delay; a throwing emit never escapes', async () => {
    const h = harness();
    h.connect();
    h.drop(30);
    const since = Date.now();
    while (h.types().at(-1) !== 'printer.offline' && Date.now() - since < 2000) await new Promise((r) => setTimeout(r, 2));
    assert.equal(h.types().at(-1), 'printer.offline');
    const connection = new CrealityConnection({ host: '127.0.0.1', port: 1 });
    const warnings: string[] = [];
    const broken = new CrealityMonitor({ printer: { id: 'x', name: 'x', kind: 'creality' }, connection, emit: () => { throw new Error('boom'); }, warn: (m) => warnings.push(m) });
    broken.baseline(finishedIdleStatus());
    assert.match(warnings[0], /emitting printer.online failed: boom/);
    broken.dispose();
    h.monitor.dispose();
  });

  it('hostile values never throw and never become events or garbage fields', () => {
    const h = harness();
    h.connect();
    const hostile: CrealityState[] = [
      { state: {}, printProgress: 'NaN', printStartTime: -5, printFileName: 12, err: [1], layer: '1e309' },
      { state: '1', printFileName: 'x'.repeat(10_000), printStartTime: 'soon', printProgress: Infinity, TotalLayer: -3, bedTemp0: '9e99' },
      { err: { errcode: 'boom', key: {} }, materialDetector1: '2', repoPlrStatus: null },
      { state: null },
    ];
    for (const fields of hostile) assert.doesNotThrow(() => h.feed(fields));
    const started = h.events.filter((e) => e.type === 'print.started');
    assert.equal(started.length, 1, 'the string "1" is a printing state');
    const job = started[0].job!;
    assert.equal(job.file, undefined, 'a 10,000-character path is not a file name');
    assert.equal(job.progress, undefined);
    assert.equal(job.layers, undefined);
    assert.match(job.id, /^auto:/);
    assert.equal(h.types().includes('printer.error'), false);
    assert.equal(h.types().includes('printer.attention'), false);
    h.monitor.dispose();
  });
});
