import assert from 'node:assert/strict';
import type { PrinterEvent } from '../../../../src/event';
import { CrealityConnection } from '../../../../src/sources/creality/connection';
import { CrealityMonitor } from '../../../../src/sources/creality/monitor';
import { finishedIdleStatus, FakeCreality } from '../../../fakes/creality/fake-creality';
import { hostileValue, nestedText, seededRandom, type Random } from '../../../fakes/fuzz/malformed-frames';

/** The fields a Creality status carries (docs/creality.md, "Frames"), given hostile values. */
const FIELDS = ['state', 'deviceState', 'printProgress', 'dProgress', 'printFileName', 'printStartTime', 'printJobTime', 'printLeftTime', 'layer', 'TotalLayer', 'err', 'materialDetector1', 'materialStatus', 'repoPlrStatus', 'bedTemp0', 'nozzleTemp', 'model', 'ModeCode'];

function fuzzFrame(r: Random): string {
  const kind = Math.floor(r() * 10);
  if (kind === 0) return nestedText(Math.floor(r() * 100) + 1, r() < 0.5);
  if (kind === 1) return JSON.stringify({ state: 1, printProgress: 5 }).slice(0, Math.floor(r() * 20));
  if (kind === 2) return JSON.stringify(hostileValue(r));
  const frame: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 4) + 1; i > 0; i--) frame[FIELDS[Math.floor(r() * FIELDS.length)]] = hostileValue(r);
  return JSON.stringify(frame);
}

describe('creality: seeded malformed frames over the real socket', function () {
  this.timeout(20_000);

  it('1,500 hostile frames never throw, and the next job is reported exactly once', async () => {
    const fake = new FakeCreality();
    await fake.listen();
    const events: PrinterEvent[] = [];
    const warnings: string[] = [];
    const connection = new CrealityConnection({ host: '127.0.0.1', port: fake.port, backoff: { baseMs: 10, maxMs: 20 }, warn: (m) => warnings.push(m) });
    const monitor = new CrealityMonitor({ printer: { id: 'fuzz', name: 'fuzz', kind: 'creality' }, connection, emit: (e) => events.push(e), warn: (m) => warnings.push(m) });
    connection.start();
    try {
      const r = seededRandom(17);
      for (let i = 0; i < 1500; i++) {
        while (fake.clientCount === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        fake.sendRaw(fuzzFrame(r));
        if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      fake.sendRaw(`{"printFileName":"${'x'.repeat(300 * 1024)}"}`); // over the frame limit: the socket is dropped and reopened
      await new Promise((resolve) => setTimeout(resolve, 100));
      while (!connection.hasState) await new Promise((resolve) => setTimeout(resolve, 5));
      fake.update({ ...finishedIdleStatus(), state: 0 });
      const from = events.length;
      fake.startPrint('benchy.gcode');
      fake.progress(50, 10);
      fake.finish();
      const mine = () => events.slice(from).filter((e) => e.job?.file === 'benchy.gcode' && /^print\.(started|done)$/.test(e.type));
      const since = Date.now();
      while (mine().length < 2 && Date.now() - since < 3000) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(mine().map((e) => e.type), ['print.started', 'print.done']);
      assert.ok(warnings.length > 0 && warnings.length < 100, `warnings are logged once per kind (${warnings.length})`);
    } finally {
      monitor.dispose();
      await connection.stop();
      await fake.close();
    }
  });
});
