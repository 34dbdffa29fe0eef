import assert from 'node:assert/strict';
import type { PrinterEvent } from '../../src/event';
import { PresenceTracker } from '../../src/presence';

const printer = { id: 'p1', name: 'X1C', kind: 'bambu' as const };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('core/presence', () => {
  let events: PrinterEvent[];
  let presence: PresenceTracker;
  beforeEach(() => {
    events = [];
    presence = new PresenceTracker({ printer, offlineDelayMs: 40, emit: (e) => events.push(e) });
  });
  afterEach(() => presence.dispose());

  it('announces online once on the first connect', () => {
    presence.online();
    presence.online();
    assert.deepEqual(events.map((e) => e.type), ['printer.online']);
  });

  it('a blip shorter than the debounce produces nothing', async () => {
    presence.online();
    presence.offline();
    await wait(10);
    presence.online();
    await wait(60);
    assert.deepEqual(events.map((e) => e.type), ['printer.online']);
  });

  it('a real outage produces one offline, then one online when it ends', async () => {
    presence.online();
    presence.offline();
    presence.offline();
    await wait(70);
    presence.online();
    assert.deepEqual(events.map((e) => e.type), ['printer.online', 'printer.offline', 'printer.online']);
    assert.notEqual(events[0].id, events[2].id);
  });

  it('nothing after dispose', async () => {
    presence.online();
    presence.offline();
    presence.dispose();
    await wait(60);
    assert.equal(events.length, 1);
  });
});
