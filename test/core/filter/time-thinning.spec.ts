import assert from 'node:assert/strict';
import { buildEvent, EVENT_TYPES, type EventType, type JobInfo, type PrinterEvent } from '../../../src/event';
import { parseFilterConfig, type RawFilterConfig } from '../../../src/filter/config';
import { CHAT_DEFAULT_EVENTS, EVENT_GROUPS } from '../../../src/filter/event-groups';
import { EventFilter } from '../../../src/filter/event-filter';
import { PrinterMarks } from '../../../src/filter/printer-marks';
import { decodeMarksInto, encodeMarks } from '../../../src/filter/state-codec';

const printer = { id: 'p1', name: 'Ender', kind: 'octoprint' as const };
const START = Date.parse('2026-11-23T12:00:00Z');
const MIN = 60_000;

function ev(type: EventType, job: Partial<JobInfo> = {}): PrinterEvent {
  return buildEvent({ type, printer, job: { id: 'j1', file: 'benchy.gcode', ...job }, discriminator: job.progress ?? job.layer });
}

/** A filter on a clock the test moves. */
function setup(raw: RawFilterConfig, marks = new PrinterMarks()) {
  const clock = { ms: START };
  const parsed = parseFilterConfig(raw, 'UTC');
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const filter = new EventFilter<unknown>(parsed.config, () => new Date(clock.ms), marks);
  const at = (minutes: number, event: PrinterEvent) => {
    clock.ms = START + minutes * MIN;
    return filter.decide(event, event);
  };
  return { filter, at, clock, marks };
}

describe('core/filter time step and remaining below (issue 19)', () => {
  it('progressEvery 10: one progress event per 10 minutes per job, timed from the job start', () => {
    const { at } = setup({ progressEvery: 10 });
    assert.equal(at(0, ev('print.started')).action, 'pass');
    const passed: number[] = [];
    for (let minute = 1; minute <= 35; minute += 1) {
      const d = at(minute, ev('print.progress', { progress: minute * 2 }));
      if (d.action === 'pass') {
        assert.equal(d.thinned, true);
        passed.push(minute);
      }
    }
    assert.deepEqual(passed, [10, 20, 30]);
  });

  it('with milestones too, either passes; a milestone restarts the time step', () => {
    const { at } = setup({ progressStep: 50, progressEvery: 10 });
    at(0, ev('print.started'));
    const passed: string[] = [];
    // 5 % a minute: 50 % at minute 10, so the timed one due then is the milestone; next timed at 20
    for (let minute = 1; minute <= 19; minute += 1) {
      const d = at(minute, ev('print.progress', { progress: minute * 5 }));
      if (d.action === 'pass') passed.push(`${minute}:${d.event.job?.progress}`);
    }
    assert.deepEqual(passed, ['10:50']);
    const d = at(20, ev('print.progress', { progress: 99 }));
    assert.equal(d.action, 'pass');
  });

  it('a new job starts its own time step; a finished job passes no late progress', () => {
    const { at } = setup({ progressEvery: 10 });
    at(0, ev('print.started'));
    assert.equal(at(10, ev('print.progress', { progress: 40 })).action, 'pass');
    at(11, ev('print.done'));
    assert.equal(at(30, ev('print.progress', { progress: 100 })).action, 'block');
    const next = { id: 'j2' };
    assert.equal(at(31, ev('print.started', next)).action, 'pass');
    assert.equal(at(35, ev('print.progress', { ...next, progress: 5 })).action, 'block');
    assert.equal(at(41, ev('print.progress', { ...next, progress: 9 })).action, 'pass');
  });

  it('layers: every layer passes without a time step (unmarked), one per step with it (marked)', () => {
    const plain = setup({});
    const d = plain.at(1, ev('print.layer', { layer: 2 }));
    assert.ok(d.action === 'pass' && d.thinned === false);
    const { at } = setup({ progressEvery: 5 });
    at(0, ev('print.started'));
    const passed = [];
    for (let layer = 2; layer <= 20; layer += 1) if (at(layer, ev('print.layer', { layer })).action === 'pass') passed.push(layer);
    assert.deepEqual(passed, [5, 10, 15, 20]);
  });

  it('remainingBelow 15: one progress event per job once 15 minutes or fewer are left, marked with its reason', () => {
    const { at } = setup({ remainingBelow: 15 });
    at(0, ev('print.started'));
    const out: Array<[number, string | undefined]> = [];
    for (const [minute, remaining] of [[1, 0], [2, 3600], [3, 901], [4, 900], [5, 600], [6, 60]] as const) {
      const d = at(minute, ev('print.progress', { progress: minute * 10, remaining_s: remaining }));
      if (d.action === 'pass') out.push([minute, d.event.reason]);
    }
    // a remaining time of 0 (not estimated yet) does not count
    assert.deepEqual(out, [[4, 'remaining_below']]);
    at(7, ev('print.done'));
    at(8, ev('print.started', { id: 'j2' }));
    assert.equal(at(9, ev('print.progress', { id: 'j2', progress: 90, remaining_s: 300 })).action, 'pass');
  });

  it('the time marks survive a restart through the state file, so nothing is sent again', () => {
    const first = setup({ progressEvery: 10, remainingBelow: 15 });
    first.at(0, ev('print.started'));
    assert.equal(first.at(10, ev('print.progress', { progress: 50, remaining_s: 800 })).action, 'pass');
    const text = encodeMarks(first.marks, first.clock.ms, 0);
    const restored = new PrinterMarks();
    decodeMarksInto(text, restored);
    assert.deepEqual(restored.peek('p1'), { job: 'j1', milestone: 0, ended: false, progressAt: START + 10 * MIN, layerAt: START, remainingSent: true });
    const second = setup({ progressEvery: 10, remainingBelow: 15 }, restored);
    assert.equal(second.at(15, ev('print.progress', { progress: 60, remaining_s: 500 })).action, 'block', 'neither the time step nor remaining-below again');
    assert.equal(second.at(20, ev('print.progress', { progress: 70, remaining_s: 400 })).action, 'pass');
  });

  it('a state file with a broken time mark is refused', () => {
    const bad = JSON.stringify({ format: 'printhooks-filter-state', version: 1, printers: [{ printer: 'p', job: 'j', milestone: 0, progressAt: 'soon' }] });
    assert.throws(() => decodeMarksInto(bad, new PrinterMarks()), /printers\[0\]\.progressAt is not a time/);
  });

  it('progressEvery and remainingBelow are checked, naming the field', () => {
    const parsed = parseFilterConfig({ progressEvery: -1, remainingBelow: 'soon' }, 'UTC');
    assert.ok(!parsed.ok);
    assert.match(parsed.errors.join('; '), /progressEvery: expected a number from 0 to 1440/);
    assert.match(parsed.errors.join('; '), /remainingBelow: expected a number/);
  });
});

describe('core/filter event groups and the chat defaults (issue 15, 19)', () => {
  it('every event type is in exactly one group; the printer-information group holds the new types', () => {
    const all = EVENT_GROUPS.flatMap((g) => g.types);
    assert.deepEqual([...all].sort(), [...EVENT_TYPES].sort());
    assert.equal(new Set(all).size, all.length);
    assert.deepEqual(EVENT_GROUPS.find((g) => g.label === 'Printer information')?.types, ['printer.message', 'printer.material_changed', 'printer.nozzle_changed', 'printer.maintenance_due']);
  });

  it('a filter with the chat defaults passes lifecycle, errors and attention, and no progress or layer', () => {
    const { at } = setup({ events: [...CHAT_DEFAULT_EVENTS], progressStep: 25 });
    const pass = (type: EventType) => at(1, ev(type, type === 'print.progress' ? { progress: 50 } : {})).action === 'pass';
    for (const type of ['print.started', 'print.paused', 'print.resumed', 'print.failed', 'printer.error', 'printer.attention', 'test'] as const) assert.ok(pass(type), type);
    for (const type of ['print.progress', 'print.layer', 'printer.online', 'printer.message'] as const) assert.ok(!pass(type), type);
  });

  it('a saved filter with `events: []` still passes every type', () => {
    const { at } = setup({ events: [] });
    for (const type of EVENT_TYPES) assert.equal(at(1, ev(type)).action, 'pass', type);
  });
});
