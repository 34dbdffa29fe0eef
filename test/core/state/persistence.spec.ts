import assert from 'node:assert/strict';
import { buildEvent, type EventType } from '../../../src/event';
import { JobTracker } from '../../../src/lifecycle';
import type { JobStateStore, SaveUrgency, StoredJobState } from '../../../src/state/job-state-store';
import { JobStatePersistence } from '../../../src/state/persistence';

const printer = { id: 'bambu-1', name: 'X1C', kind: 'bambu' as const };

class RecordingStore implements JobStateStore {
  saves: Array<{ state: StoredJobState; urgency: SaveUrgency }> = [];
  constructor(private stored?: StoredJobState) {}
  load(): StoredJobState | undefined {
    return this.stored;
  }
  save(state: StoredJobState, urgency: SaveUrgency): void {
    this.saves.push({ state, urgency });
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const event = (type: EventType) => buildEvent({ type, printer, time: new Date('2026-12-01T10:00:00Z') });

describe('JobStatePersistence (a monitor and its store)', () => {
  it('edges are saved at once, progress and layer marks throttled, presence, messages and material/nozzle changes not at all', () => {
    const store = new RecordingStore();
    const persistence = new JobStatePersistence(new JobTracker({ printer }), store, () => ({ identity: 'x' }));
    persistence.emitted([event('printer.online')]);
    persistence.emitted([event('printer.message'), event('printer.material_changed'), event('printer.nozzle_changed')]);
    persistence.emitted([event('print.progress')]);
    persistence.emitted([event('print.layer'), event('print.progress')]);
    persistence.emitted([event('print.progress'), event('print.done')]);
    persistence.emitted([event('printer.error')]);
    persistence.baselineTaken();
    assert.deepEqual(store.saves.map((s) => s.urgency), ['soon', 'soon', 'now', 'now', 'now']);
    assert.deepEqual(store.saves[0].state.source, { identity: 'x' });
  });

  it('restore() puts the stored tracker back and returns the source extras', () => {
    const before = new JobTracker({ printer });
    before.connected();
    before.observe({ state: 'idle' });
    before.observe({ state: 'printing', jobKey: 'lan:a|b|1' });
    const tracker = new JobTracker({ printer });
    const extras = new JobStatePersistence(tracker, new RecordingStore({ tracker: before.snapshot(), source: { k: 1 } })).restore();
    assert.deepEqual(extras, { k: 1 });
    assert.equal(tracker.currentState, 'printing');
    tracker.connected();
    assert.deepEqual(tracker.observe({ state: 'failed', jobKey: 'lan:a|b|1', error: { message: 'nozzle clog' } }).map((e) => e.type), ['print.failed']);
  });

  it('without a store every call is a no-op', () => {
    const persistence = new JobStatePersistence(new JobTracker({ printer }), undefined);
    assert.equal(persistence.restore(), undefined);
    persistence.emitted([event('print.done')]);
    persistence.baselineTaken();
  });
});
