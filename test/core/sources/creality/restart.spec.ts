import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventId, type PrinterEvent, type PrinterRef } from '../../../../src/event';
import { CrealityConnection } from '../../../../src/sources/creality/connection';
import { CrealityMonitor } from '../../../../src/sources/creality/monitor';
import { createJobStateStore, type JobStateStore } from '../../../../src/state/job-state-store';
import { FakeCreality } from '../../../fakes/creality/fake-creality';

/**
 * Restart recovery on Creality (docs/lifecycle.md, "Restarts"; docs/creality.md): a real connection and
 * monitor follow the fake printer and persist into a real folder; the run stops, the job ends on the
 * printer, and a new run reading that folder reports the one terminal event the job really had.
 */
const printer: PrinterRef = { id: 'creality-1', name: 'K1C', kind: 'creality' };

async function until(check: () => boolean, what: () => string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('creality: restart recovery', function () {
  let fake: FakeCreality;
  let dir: string;
  const stores: JobStateStore[] = [];

  function follow(): { events: PrinterEvent[]; store: JobStateStore; stop(): Promise<void> } {
    const store = createJobStateStore({ dir, key: 'cfg', printer });
    stores.push(store);
    const events: PrinterEvent[] = [];
    const connection = new CrealityConnection({ host: '127.0.0.1', port: fake.port, backoff: { baseMs: 20, maxMs: 80 }, jobState: store });
    const monitor = new CrealityMonitor({ printer, connection, emit: (e) => events.push(e) });
    connection.start();
    return { events, store, stop: async () => (monitor.dispose(), await connection.stop()) };
  }

  /** A run that saw the job start, stopped the way a kill leaves it (the start edge was written at once). */
  async function followStartAndStop(): Promise<PrinterEvent> {
    const first = follow();
    await until(() => first.events.some((e) => e.type === 'printer.online'), () => 'online');
    fake.startPrint('cube.gcode');
    await until(() => first.events.some((e) => e.type === 'print.started'), () => 'print.started');
    await first.store.flush();
    await first.stop();
    return first.events.find((e) => e.type === 'print.started')!;
  }

  async function printsAfterRestart(): Promise<PrinterEvent[]> {
    const second = follow();
    await until(() => second.events.some((e) => e.type === 'printer.online'), () => 'online again');
    await new Promise((r) => setTimeout(r, 100));
    await second.stop();
    return second.events.filter((e) => e.type.startsWith('print.'));
  }

  beforeEach(async () => {
    fake = new FakeCreality();
    await fake.listen();
    dir = mkdtempSync(path.join(tmpdir(), 'printhooks-creality-restart-'));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close(false)));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const outcomes: Array<[string, Record<string, unknown>, string, string | undefined]> = [
    ['finished', { state: 2, printProgress: 100, printLeftTime: 0 }, 'print.done', undefined],
    ['aborted', { state: 4 }, 'print.cancelled', 'user'],
    ['failed', { state: 3, err: { errcode: 4, key: 4, value: '' } }, 'print.failed', 'error'],
    ['found idle (the printer restarted too)', { state: 0, printFileName: '', printStartTime: 0, printProgress: 0 }, 'print.cancelled', 'aborted'],
  ];
  for (const [what, shown, type, reason] of outcomes) {
    it(`a job ${what} while Node-RED was down: one ${type} after the restart, with its live id`, async () => {
      const started = await followStartAndStop();
      fake.change({ ...shown, deviceState: 0 });
      const prints = await printsAfterRestart();
      assert.deepEqual(prints.map((e) => `${e.type}:${e.reason}`), [`${type}:${reason}`]);
      assert.equal(prints[0].job?.id, started.job?.id);
      assert.equal(prints[0].id, eventId(printer.id, started.job?.id, prints[0].type));
      assert.equal(prints[0].job?.file, 'cube.gcode');
      if (type === 'print.failed') assert.equal(prints[0].error?.code, '4');
    });
  }

  it('a job still running after the restart gets no second print.started, and its end once', async () => {
    await followStartAndStop();
    const second = follow();
    await until(() => second.events.some((e) => e.type === 'printer.online'), () => 'online again');
    fake.finish();
    await until(() => second.events.some((e) => e.type === 'print.done'), () => 'print.done');
    await second.stop();
    assert.deepEqual(second.events.filter((e) => e.type.startsWith('print.')).map((e) => e.type), ['print.done']);
  });
});
