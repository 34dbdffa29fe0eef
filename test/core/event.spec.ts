import assert from 'node:assert/strict';
import { buildEvent, EVENT_TYPES, eventId, isEventType, isTerminalType } from '../../src/event';

const printer = { id: 'p1', name: 'Ender', kind: 'moonraker' as const };

describe('core/event', () => {
  it('lists every event type', () => {
    assert.equal(EVENT_TYPES.length, 18);
    for (const type of ['printer.message', 'printer.material_changed', 'printer.nozzle_changed', 'printer.maintenance_due']) assert.ok(isEventType(type), type);
    assert.ok(isEventType('print.done'));
    assert.ok(!isEventType('print.finished'));
    assert.ok(!isEventType(42));
    assert.deepEqual(EVENT_TYPES.filter(isTerminalType), ['print.done', 'print.failed', 'print.cancelled']);
  });

  it('the same inputs always give the same evt_ id', () => {
    const a = eventId('p1', 'j1', 'print.progress', 42);
    assert.match(a, /^evt_[A-Za-z0-9_-]{27}$/);
    assert.equal(eventId('p1', 'j1', 'print.progress', 42), a);
  });

  it('changing any input changes the id', () => {
    const base = eventId('p1', 'j1', 'print.progress', 42);
    assert.notEqual(eventId('p2', 'j1', 'print.progress', 42), base);
    assert.notEqual(eventId('p1', 'j2', 'print.progress', 42), base);
    assert.notEqual(eventId('p1', 'j1', 'print.layer', 42), base);
    assert.notEqual(eventId('p1', 'j1', 'print.progress', 43), base);
    assert.notEqual(eventId('p1', 'j1', 'print.progress', '42'), base);
    assert.notEqual(eventId('p1', undefined, 'print.progress', 42), eventId('p1', 'null', 'print.progress', 42));
  });

  it('ambiguous concatenations do not collide', () => {
    assert.notEqual(eventId('a:b', 'c', 'print.done'), eventId('a', 'b:c', 'print.done'));
  });

  it('no collisions over 100,000 distinct inputs', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i += 1) seen.add(eventId(`p${i % 37}`, `j${i}`, 'print.progress', i % 100));
    assert.equal(seen.size, 100_000);
  });

  it('buildEvent omits absent values instead of writing null or empty strings', () => {
    const e = buildEvent({
      type: 'print.done',
      printer,
      time: new Date('2026-11-23T18:00:00Z'),
      job: { id: 'j1', file: '', progress: Number.NaN, layer: undefined, elapsed_s: 0 },
      reason: '',
    });
    assert.deepEqual(e, {
      id: eventId('p1', 'j1', 'print.done'),
      type: 'print.done',
      time: '2026-11-23T18:00:00.000Z',
      printer,
      job: { id: 'j1', elapsed_s: 0 },
    });
    assert.equal(JSON.stringify(e).includes('null'), false);
  });
});
