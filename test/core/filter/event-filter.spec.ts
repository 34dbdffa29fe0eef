import assert from 'node:assert/strict';
import { buildEvent, eventId, type EventType, type PrinterEvent } from '../../../src/event';
import { parseFilterConfig, type RawFilterConfig } from '../../../src/filter/config';
import { EventFilter } from '../../../src/filter/event-filter';

const printer = { id: 'p1', name: 'Ender', kind: 'octoprint' as const };

function ev(type: EventType, job: Record<string, unknown> = { id: 'j1', file: 'benchy.gcode' }, extra: Partial<PrinterEvent> = {}): PrinterEvent {
  return { ...buildEvent({ type, printer, job: job as unknown as PrinterEvent['job'], discriminator: job.progress as number }), ...extra };
}

function filter(raw: RawFilterConfig, now: () => Date = () => new Date('2026-11-23T12:00:00Z')): EventFilter<unknown> {
  const parsed = parseFilterConfig(raw, 'UTC');
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return new EventFilter<unknown>(parsed.config, now);
}

const passed = (f: EventFilter<unknown>, e: PrinterEvent) => f.decide(e, e).action === 'pass';

describe('core/filter EventFilter', () => {
  it('empty event selection passes every type', () => {
    const f = filter({ events: [] });
    assert.ok(passed(f, ev('print.done')));
    assert.ok(passed(f, ev('printer.online', {})));
  });

  it('selected types pass, others are blocked', () => {
    const f = filter({ events: ['print.done', 'print.failed'] });
    assert.ok(passed(f, ev('print.done')));
    assert.deepEqual(f.decide(ev('print.started'), null), { action: 'block', why: 'type' });
  });

  const ruleTable: Array<[string, RawFilterConfig['rules'], boolean]> = [
    ['eq matches', [{ path: 'job.file', op: 'eq', value: 'benchy.gcode' }], true],
    ['eq mismatch', [{ path: 'job.file', op: 'eq', value: 'cube.gcode' }], false],
    ['neq', [{ path: 'job.file', op: 'neq', value: 'cube.gcode' }], true],
    ['in (JSON text)', [{ path: 'printer.name', op: 'in', value: '["Ender","Prusa"]' }], true],
    ['nin', [{ path: 'printer.name', op: 'nin', value: ['Ender'] }], false],
    ['eq on a number with a text value', [{ path: 'job.layer', op: 'eq', value: '3' }], true],
    ['a rule on a missing field does not match (eq)', [{ path: 'job.nothing.deeper', op: 'eq', value: 'x' }], false],
    ['a rule on a missing field does not match (neq)', [{ path: 'error.code', op: 'neq', value: 'x' }], false],
    ['a rule on a missing field does not match (nin)', [{ path: 'reason', op: 'nin', value: ['a'] }], false],
    ['all rules must match', [{ path: 'job.file', op: 'eq', value: 'benchy.gcode' }, { path: 'printer.kind', op: 'eq', value: 'bambu' }], false],
    ['a path through a non-object does not throw', [{ path: 'job.file.length', op: 'eq', value: '12' }], false],
  ];
  for (const [name, rules, expected] of ruleTable) {
    it(`rules: ${name}`, () => {
      const f = filter({ rules });
      assert.equal(passed(f, ev('print.done', { id: 'j1', file: 'benchy.gcode', layer: 3 })), expected);
    });
  }

  it('progressStep 25 passes 25, 50, 75 once each and never 100', () => {
    const f = filter({ progressStep: 25 });
    const out: number[] = [];
    for (let p = 1; p <= 99; p += 1) {
      const d = f.decide(ev('print.progress', { id: 'j1', progress: p }), null);
      if (d.action === 'pass') out.push(d.event.job?.progress as number);
    }
    assert.deepEqual(out, [25, 50, 75]);
  });

  it('a jump from 10 to 80 passes 75 once, as the 75 milestone event', () => {
    const f = filter({ progressStep: 25 });
    assert.equal(passed(f, ev('print.progress', { id: 'j1', progress: 10 })), false);
    const d = f.decide(ev('print.progress', { id: 'j1', progress: 80 }), null);
    assert.equal(d.action, 'pass');
    if (d.action === 'pass') {
      assert.equal(d.event.job?.progress, 75);
      assert.equal(d.event.id, eventId('p1', 'j1', 'print.progress', 75));
    }
    assert.equal(passed(f, ev('print.progress', { id: 'j1', progress: 90 })), false);
  });

  it('a new job starts the milestones over; printers are tracked apart', () => {
    const f = filter({ progressStep: 50 });
    assert.ok(passed(f, ev('print.progress', { id: 'j1', progress: 51 })));
    assert.ok(passed(f, ev('print.progress', { id: 'j2', progress: 51 })));
    const other = { ...ev('print.progress', { id: 'j1', progress: 51 }), printer: { ...printer, id: 'p2' } };
    assert.ok(passed(f, other));
  });

  it('progressStep 0 passes every progress event', () => {
    const f = filter({ progressStep: 0 });
    assert.ok(passed(f, ev('print.progress', { id: 'j1', progress: 1 })));
    assert.ok(passed(f, ev('print.progress', { id: 'j1', progress: 2 })));
  });

  it('cooldown holds back repeats per printer + type, but never terminal events or errors', () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const f = filter({ cooldown: 60 }, () => new Date(now));
    assert.ok(passed(f, ev('print.layer', { id: 'j1', layer: 2 })));
    assert.equal(f.decide(ev('print.layer', { id: 'j1', layer: 3 }), null).action, 'block');
    assert.ok(passed(f, ev('print.paused')), 'another type has its own cooldown');
    for (let i = 0; i < 3; i += 1) {
      assert.ok(passed(f, ev('print.done')));
      assert.ok(passed(f, ev('printer.error', {}, { error: { message: 'x' } })));
      assert.ok(passed(f, ev('print.failed')));
      assert.ok(passed(f, ev('print.cancelled')));
    }
    now += 61_000;
    assert.ok(passed(f, ev('print.layer', { id: 'j1', layer: 4 })));
  });

  it('quiet hours (drop) drop events inside the window, in the configured zone', () => {
    // 23:30 in Berlin (UTC+1 in November) is 22:30 UTC
    const inside = filter({ quietStart: '22:00', quietEnd: '07:00', timezone: 'Europe/Berlin', quietMode: 'drop' }, () => new Date('2026-11-23T22:30:00Z'));
    assert.deepEqual(inside.decide(ev('print.done'), null), { action: 'block', why: 'quiet' });
    const outside = filter({ quietStart: '22:00', quietEnd: '07:00', timezone: 'Europe/Berlin', quietMode: 'drop' }, () => new Date('2026-11-23T20:30:00Z'));
    assert.ok(passed(outside, ev('print.done')));
    const tokyo = filter({ quietStart: '22:00', quietEnd: '07:00', timezone: 'Asia/Tokyo' }, () => new Date('2026-11-23T20:30:00Z'));
    assert.equal(tokyo.decide(ev('print.done'), null).action, 'block', 'the same instant is 05:30 in Tokyo: inside');
  });

  it('quiet hours (hold) collapse per printer + type and release when the window ends', () => {
    let now = new Date('2026-11-23T23:00:00Z');
    const f = filter({ quietStart: '22:00', quietEnd: '07:00', timezone: 'UTC', quietMode: 'hold' }, () => now);
    const first = ev('print.progress', { id: 'j1', progress: 10 });
    const second = ev('print.progress', { id: 'j1', progress: 20 });
    const done = ev('print.done');
    for (const e of [first, second, done]) assert.equal(f.decide(e, e).action, 'hold');
    assert.equal(f.heldCount, 2);
    assert.equal(f.msUntilRelease(), 8 * 3600 * 1000);
    assert.deepEqual(f.releaseDue(), []);
    now = new Date('2026-11-24T07:00:01Z');
    const released = f.releaseDue().map((h) => h.item);
    assert.deepEqual(released, [second, done]);
    assert.equal(f.heldCount, 0);
  });
});

describe('core/filter parseFilterConfig', () => {
  const bad: Array<[string, RawFilterConfig, RegExp]> = [
    ['unknown op', { rules: [{ path: 'job.file', op: 'like', value: 'x' }] }, /rules\[0\]\.op: unknown operator "like"/],
    ['malformed rule', { rules: ['job.file=x'] }, /rules\[0\]: expected \{path, op, value\}/],
    ['rules not a list', { rules: { path: 'a' } }, /rules: expected a list/],
    ['empty path', { rules: [{ path: '', op: 'eq', value: 'x' }] }, /rules\[0\]\.path/],
    ['prototype path', { rules: [{ path: 'job.__proto__', op: 'eq', value: 'x' }] }, /rules\[0\]\.path/],
    ['in without array', { rules: [{ path: 'job.file', op: 'in', value: 'a.gcode' }] }, /rules\[0\]\.value: "in" needs a JSON array/],
    ['unknown time zone', { quietStart: '22:00', quietEnd: '07:00', timezone: 'Mars/Olympus' }, /timezone: unknown IANA time zone "Mars\/Olympus"/],
    ['unknown time zone with quiet hours off', { quietStart: '', quietEnd: '', timezone: 'Europe/Atlantis' }, /timezone: unknown IANA time zone "Europe\/Atlantis"/],
    ['a time zone that is not text', { timezone: 42 }, /timezone: unknown IANA time zone 42/],
    ['bad clock', { quietStart: '25:00', quietEnd: '07:00' }, /quietStart: expected HH:MM/],
    ['unknown event type', { events: ['print.finished'] }, /events: unknown event type "print.finished"/],
    ['negative cooldown', { cooldown: -5 }, /cooldown: expected a number/],
    ['bad quiet mode', { quietStart: '22:00', quietEnd: '07:00', quietMode: 'snooze' }, /quietMode/],
  ];
  for (const [name, raw, pattern] of bad) {
    it(`rejects ${name} with a message naming the field`, () => {
      const parsed = parseFilterConfig(raw, 'UTC');
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.errors.join('\n'), pattern);
    });
  }

  it('accepts the editor defaults', () => {
    const parsed = parseFilterConfig({ events: [], rules: [], progressStep: '0', cooldown: '0', quietStart: '', quietEnd: '', timezone: '', quietMode: 'drop' }, 'UTC');
    assert.ok(parsed.ok);
  });
});
