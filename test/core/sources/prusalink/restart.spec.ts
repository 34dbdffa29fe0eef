import assert from 'node:assert/strict';
import type { JobStateStore, StoredJobState } from '../../../../src/state/job-state-store';
import { attention, finished, idle, printing } from './views';
import { recorder } from './views';

/** A store that keeps the last state in memory, as the file store would across a restart. */
function memoryStore(): JobStateStore & { saves: number } {
  let latest: StoredJobState | undefined;
  return {
    saves: 0,
    load: () => (latest ? structuredClone(latest) : undefined),
    save(state) {
      latest = structuredClone(state);
      this.saves += 1;
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}

describe('PrusaLinkMonitor across a Node-RED restart (persisted job state)', () => {
  it('a job that finished while Node-RED was down gets its one done after the restart, with the same id', () => {
    const store = memoryStore();
    const live = recorder({ jobState: store });
    live.monitor.baseline(idle());
    live.monitor.report(printing(17, 40));
    live.monitor.dispose();
    assert.ok(store.saves > 0);

    const after = recorder({ jobState: store });
    after.monitor.baseline(finished());
    after.monitor.report(finished());
    const done = after.events.filter((e) => e.type === 'print.done');
    assert.equal(done.length, 1);
    assert.equal(done[0].job?.id, '17');

    const reference = recorder();
    reference.monitor.baseline(idle());
    reference.monitor.report(printing(17, 40));
    reference.monitor.report(finished());
    assert.equal(done[0].id, reference.events.find((e) => e.type === 'print.done')!.id);

    const again = recorder({ jobState: store });
    again.monitor.baseline(finished());
    assert.deepEqual(again.types(), [], 'announced once, never again');
  });

  it('a job still running after the restart gets no second print.started; a runout then is a pause', () => {
    const store = memoryStore();
    const live = recorder({ jobState: store });
    live.monitor.baseline(idle());
    live.monitor.report(printing(18, 40));
    const after = recorder({ jobState: store });
    after.monitor.baseline(printing(18, 45));
    after.monitor.report(attention(18, 45));
    after.monitor.report(printing(18, 46));
    assert.deepEqual(after.types().filter((t) => t !== 'print.progress'), ['print.paused', 'print.resumed']);
  });

  it('a Raspberry Pi job gone to IDLE while Node-RED was down is settled once from the stored progress', () => {
    const store = memoryStore();
    const live = recorder({ jobState: store });
    live.monitor.baseline(idle());
    live.monitor.report(printing(19, 99));
    const after = recorder({ jobState: store });
    after.monitor.baseline(idle());
    assert.deepEqual(after.types(), ['print.done']);
    const again = recorder({ jobState: store });
    again.monitor.baseline(idle());
    assert.deepEqual(again.types(), []);
  });
});
