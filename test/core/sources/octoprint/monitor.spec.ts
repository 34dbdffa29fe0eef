import assert from 'node:assert/strict';
import type { PrinterEvent } from '../../../../src/event';
import { jobStateOf } from '../../../../src/sources/octoprint/job-state';
import { OctoPrintMonitor } from '../../../../src/sources/octoprint/monitor';
import { current, event, filePayload, history, plugin, printing } from './messages';

const printer = { id: 'octoprint-test', name: 'Ender', kind: 'octoprint' as const };

function mapper(): OctoPrintMonitor {
  const m = new OctoPrintMonitor({ printer });
  m.connected();
  return m;
}

function types(events: PrinterEvent[]): string[] {
  return events.map((e) => e.type);
}

/** Runs frames through a mapper and returns every event type in order. */
function run(m: OctoPrintMonitor, frames: ReturnType<typeof event>[]): PrinterEvent[] {
  return frames.flatMap((f) => m.handle(f));
}

describe('octoprint monitor (mapping)', () => {
  it('an idle printer whose last job finished long ago produces nothing at connect', () => {
    const m = mapper();
    const events = run(m, [history({ completion: 100, printTime: 3862, markings: [{ type: 'print', time: 1000 }, { type: 'done', time: 4862 }] }), current({ completion: 100 })]);
    assert.deepEqual(events, []);
    assert.equal(m.state, 'idle');
  });

  it('a normal job: started, whole-percent progress, done, in that order, once', () => {
    const m = mapper();
    const events = run(m, [
      history({ file: null }),
      event('PrintStarted', filePayload({ user: 'alice' })),
      current(printing(0.5)),
      current(printing(1.2)),
      current(printing(1.9)),
      current(printing(3.4)),
      event('PrintDone', filePayload({ time: 3862.4 })),
      current({ completion: 100 }),
    ]);
    assert.deepEqual(types(events), ['print.started', 'print.progress', 'print.progress', 'print.done']);
    assert.deepEqual(events.slice(1, 3).map((e) => e.job?.progress), [1, 3]);
    const done = events[3];
    assert.equal(done.job?.file, 'benchy.gcode');
    assert.equal(done.job?.elapsed_s, 3862);
    assert.equal(done.job?.progress, 100);
    assert.equal(new Set(events.map((e) => e.job?.id)).size, 1);
  });

  it('after a job, the bed cooling below 35 °C in current temps gives printer.bed_cooled once', () => {
    const m = mapper();
    const events = run(m, [
      history({ file: null, bed: 21 }),
      event('PrintStarted', filePayload()),
      current(printing(50, { bed: 60 })),
      event('PrintDone', filePayload({ time: 100 })),
      current({ completion: 100, bed: 50 }),
      current({ completion: 100, bed: 34 }),
      current({ completion: 100, bed: 30 }),
    ]);
    assert.deepEqual(types(events).filter((t) => t !== 'print.progress'), ['print.started', 'print.done', 'printer.bed_cooled']);
    assert.equal(events.at(-1)?.job?.file, 'benchy.gcode');
  });

  it('pause by the user and resume give print.paused (reason user) and print.resumed, no attention', () => {
    const m = mapper();
    const events = run(m, [history({ file: null }), event('PrintStarted', filePayload({ user: 'alice' })), event('PrintPaused', filePayload({ user: 'alice', progress: 22 })), event('PrintResumed', filePayload({ user: 'alice' }))]);
    assert.deepEqual(types(events), ['print.started', 'print.paused', 'print.resumed']);
    assert.equal(events[1].reason, 'user');
  });

  it('a pause without a user (firmware) is also printer.attention', () => {
    const m = mapper();
    const events = run(m, [history({ file: null }), event('PrintStarted', filePayload()), event('PrintPaused', filePayload({ progress: 40 }))]);
    assert.deepEqual(types(events), ['print.started', 'print.paused', 'printer.attention']);
    assert.equal(events[1].reason, 'printer');
    assert.equal(events[2].reason, 'paused_by_printer');
  });

  it('PrintCancelled then PrintFailed {cancelled}: one print.cancelled, never print.failed', () => {
    const m = mapper();
    const events = run(m, [
      history({ file: null }),
      event('PrintStarted', filePayload({ user: 'alice' })),
      event('PrintCancelled', filePayload({ user: 'alice', time: 1702.5, progress: 40 })),
      event('PrintFailed', filePayload({ user: 'alice', time: 1702.5, reason: 'cancelled' })),
    ]);
    assert.deepEqual(types(events), ['print.started', 'print.cancelled']);
    assert.equal(events[1].reason, 'user');
  });

  it('PrintFailed {error} is print.failed with the error text; a later Error event is printer.error once', () => {
    const m = mapper();
    const events = run(m, [
      history({ file: null }),
      event('PrintStarted', filePayload()),
      event('Error', { error: 'MINTEMP triggered', reason: 'firmware', consequence: 'emergency', faq: 'firmware-mintemp' }),
      event('Error', { error: 'MINTEMP triggered', reason: 'firmware', consequence: 'emergency', faq: 'firmware-mintemp' }),
      event('PrintFailed', filePayload({ reason: 'error', error: 'MINTEMP triggered', time: 876.09, progress: 0.23 })),
      event('PrintDone', filePayload()),
    ]);
    assert.deepEqual(types(events), ['print.started', 'printer.error', 'print.failed']);
    assert.deepEqual(events[1].error, { message: 'MINTEMP triggered', code: 'firmware-mintemp', severity: 'fatal' });
    assert.equal(events[2].error?.message, 'MINTEMP triggered');
    assert.equal(events[2].reason, 'error');
    assert.equal(events[2].job?.elapsed_s, 876);
  });

  it('FilamentChange, Waiting and a prompt "show" are printer.attention with a reason (the prompt also a printer.message); "close" is nothing', () => {
    let clock = 1_000_000;
    const m = new OctoPrintMonitor({ printer, now: () => new Date((clock += 1000)) });
    m.connected();
    const all = run(m, [
      history({ file: null }),
      event('PrintStarted', filePayload()),
      event('FilamentChange', null),
      event('Waiting', null),
      plugin('action_command_prompt', { action: 'show', text: 'Insert filament and press', choices: ['Continue'] }),
      plugin('action_command_prompt', { action: 'close' }),
      event('FilamentChange', null),
    ]);
    const messages = all.filter((e) => e.type === 'printer.message');
    assert.deepEqual(messages.map((e) => e.message), [{ text: 'Insert filament and press', source: 'action:prompt', level: 'warning' }]);
    const events = all.filter((e) => e.type !== 'printer.message');
    assert.deepEqual(types(events), ['print.started', 'printer.attention', 'printer.attention', 'printer.attention', 'printer.attention']);
    assert.deepEqual(events.slice(1).map((e) => e.reason), ['filament_change', 'waiting', 'prompt', 'filament_change']);
    assert.equal(events[3].error?.message, 'Insert filament and press');
    assert.notEqual(events[1].id, events[4].id, 'a second filament change is a distinct event');
  });

  it('a job that finished while the socket was down gets one print.done on reconnect, and no second one', () => {
    const m = mapper();
    run(m, [history({ file: null }), event('PrintStarted', filePayload()), current(printing(40))]);
    m.disconnected();
    m.connected();
    const start = (m.job?.started_at ? Date.parse(m.job.started_at) : 0) / 1000;
    const after = run(m, [history({ completion: 100, markings: [{ type: 'print', time: start }, { type: 'done', time: start + 100 }] })]);
    assert.deepEqual(types(after), ['print.done']);
    m.disconnected();
    m.connected();
    assert.deepEqual(run(m, [history({ completion: 100, markings: [{ type: 'print', time: start }, { type: 'done', time: start + 100 }] }), event('PrintDone', filePayload())]), []);
  });

  it('a job still printing after a reconnect continues without a second start and keeps its id', () => {
    const m = mapper();
    const first = run(m, [history({ file: null }), event('PrintStarted', filePayload()), current(printing(10))]);
    m.disconnected();
    m.connected();
    const after = run(m, [history(printing(20)), current(printing(21.5)), event('PrintDone', filePayload())]);
    assert.deepEqual(types(after), ['print.progress', 'print.done']);
    assert.equal(after[1].job?.id, first[0].job?.id);
  });

  it('after a gap the ending is inferred: below 100 % with an error state is print.failed, without one print.cancelled', () => {
    const failed = mapper();
    run(failed, [history({ file: null }), event('PrintStarted', filePayload()), current(printing(30))]);
    failed.disconnected();
    failed.connected();
    const f = run(failed, [history({ text: 'Offline after error', flags: { operational: false, closedOrError: true, error: true }, completion: 30, error: 'Thermal runaway' })]);
    assert.deepEqual(types(f), ['print.failed']);
    assert.equal(f[0].error?.message, 'Thermal runaway');

    const cancelled = mapper();
    run(cancelled, [history({ file: null }), event('PrintStarted', filePayload()), current(printing(30))]);
    cancelled.disconnected();
    cancelled.connected();
    assert.deepEqual(types(run(cancelled, [history({ completion: 30 })])), ['print.cancelled']);
  });

  it('after a gap, /api/job fills what the history lacks (completion 100 → print.done)', () => {
    const m = mapper();
    run(m, [history({ file: null }), event('PrintStarted', filePayload()), current(printing(97))]);
    m.disconnected();
    m.connected();
    m.setApiJobHint({ state: 'Operational', progress: { completion: 100 } });
    assert.deepEqual(types(run(m, [history({ completion: null })])), ['print.done']);
  });

  it('a new job running after a gap reports its start, and the old job its end', () => {
    const m = mapper();
    run(m, [history({ file: null }), event('PrintStarted', filePayload()), current(printing(50))]);
    const oldStart = Date.parse(m.job?.started_at ?? '') / 1000;
    m.disconnected();
    m.connected();
    const events = run(m, [history({ ...printing(5), file: 'second.gcode', markings: [{ type: 'print', time: oldStart }, { type: 'done', time: oldStart + 60 }, { type: 'print', time: oldStart + 90 }] })]);
    assert.deepEqual(types(events), ['print.started', 'print.done']);
    assert.equal(events[0].job?.file, 'second.gcode');
    assert.equal(events[1].job?.file, 'benchy.gcode');
  });

  it('Connected / Disconnected events and state flags set whether the printer is linked', () => {
    const m = mapper();
    run(m, [history({ text: 'Offline', flags: { operational: false, ready: false }, file: null })]);
    assert.equal(m.linked, false);
    run(m, [event('Connected', { port: '/dev/ttyACM0', baudrate: 115200 })]);
    assert.equal(m.linked, true);
    run(m, [event('Disconnected', null)]);
    assert.equal(m.linked, false);
  });

  it('layers come from the DisplayLayerProgress plugin event while printing', () => {
    const m = mapper();
    const events = run(m, [
      history({ file: null }),
      event('PrintStarted', filePayload()),
      event('DisplayLayerProgress_layerChanged', { currentLayer: '1', totalLayer: '140' }),
      event('DisplayLayerProgress_layerChanged', { currentLayer: '2', totalLayer: '140' }),
      event('DisplayLayerProgress_layerChanged', { currentLayer: 'x' }),
    ]);
    assert.deepEqual(types(events), ['print.started', 'print.layer']);
    assert.equal(events[1].job?.layer, 2);
    assert.equal(events[1].job?.layers, 140);
  });

  it('events keep the same id when the same event is seen again by a fresh mapper (same start marking)', () => {
    const markings = [{ type: 'print', time: 1_700_000_000 }];
    const a = mapper();
    const b = mapper();
    const fromA = run(a, [history(printing(10, { markings })), current(printing(12, { markings })), event('PrintDone', filePayload())]);
    const fromB = run(b, [history(printing(11, { markings })), current(printing(12, { markings })), event('PrintDone', filePayload())]);
    assert.deepEqual(fromA.map((e) => e.id), fromB.map((e) => e.id));
    assert.deepEqual(types(fromA), ['print.progress', 'print.done']);
  });

  it('keeps the platform payload as raw on events (the node strips it unless asked)', () => {
    const m = mapper();
    const [started] = run(m, [history({ file: null }), event('PrintStarted', filePayload())]);
    assert.equal((started.raw as { type: string }).type, 'PrintStarted');
  });

  it('flags map onto job states', () => {
    assert.equal(jobStateOf({ state: { flags: { paused: true, operational: true } } }), 'paused');
    assert.equal(jobStateOf({ state: { flags: { cancelling: true } } }), 'printing');
    assert.equal(jobStateOf({ state: { flags: { operational: true } } }), 'idle');
    assert.equal(jobStateOf({}), undefined);
  });
});
