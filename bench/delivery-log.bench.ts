// Delivery log benchmark (docs/editor.md "The delivery log on disk"): what recording an attempt costs the
// delivery path with the log persisted (batched append, rotation past 2 MiB), against the baseline measured
// in the same run: the same attempts into the log in memory only. Also: the printer name read from a stored
// event per attempt, the file's size after 20,000 attempts, the time to read it back at deploy, and a search.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeliveryLog, printerNameOf, type AttemptLogEntry } from '../src/delivery/delivery-log';
import { DeliveryLogStore } from '../src/delivery/delivery-log-store';

const N = 20_000;
const EVENT = JSON.stringify({
  id: 'evt_0123456789abcdef', type: 'print.progress', time: '2026-11-23T18:00:00.000Z',
  printer: { id: 'printer-00042', name: 'Voron 2.4 (farm 42)', kind: 'moonraker' },
  job: { id: 'job-42-2026-11-23T17:00:00Z-benchy_0.2mm_PLA.gcode', file: 'benchy_0.2mm_PLA.gcode', progress: 42, elapsed_s: 1234, remaining_s: 2345, layer: 40, layers: 200 },
});

function attempt(i: number): AttemptLogEntry {
  return {
    time: new Date(Date.UTC(2026, 10, 23, 18, 0, 0, i)).toISOString(),
    webhookId: `evt_${i.toString(36).padStart(8, '0')}`,
    eventType: 'print.progress',
    printer: printerNameOf(EVENT),
    attempt: 1,
    status: i % 10 === 0 ? 503 : 200,
    durationMs: 12,
    verdict: i % 10 === 0 ? 'retry' : 'delivered',
    response: i % 10 === 0 ? 'Service Unavailable: the receiver is busy, come back later'.repeat(4) : '{"ok":true}',
  };
}

function time(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-log-bench-'));
  try {
    const entries = Array.from({ length: N }, (_, i) => attempt(i));
    // warm up both paths
    for (const e of entries.slice(0, 2000)) new DeliveryLog(100).add(e);

    const memory = new DeliveryLog();
    const baseline = time(() => { for (const e of entries) memory.add(e); });

    const file = path.join(dir, 'sender.jsonl');
    const persisted = new DeliveryLog();
    const store = new DeliveryLogStore(file, persisted, { flushMs: 5 });
    store.open();
    let onPath = 0;
    // in bursts of 500, letting the batches be written between them as a busy sender would
    for (let i = 0; i < N; i += 500) {
      onPath += time(() => { for (const e of entries.slice(i, i + 500)) persisted.add(e); });
      await new Promise((r) => setTimeout(r, 10));
    }
    await store.close();
    const fileBytes = fs.statSync(file).size;

    const parse = time(() => { for (let i = 0; i < N; i += 1) printerNameOf(EVENT); });
    const again = new DeliveryLog();
    const readBack = time(() => new DeliveryLogStore(file, again).open());
    const search = time(() => again.search({ text: 'busy', limit: 100 }));

    console.log(`delivery log, ${N} attempts:`);
    console.log(`  on the delivery path: ${(onPath / N * 1000).toFixed(2)} µs per attempt persisted vs ${(baseline / N * 1000).toFixed(2)} µs in memory only (${(onPath / baseline).toFixed(2)} x the baseline)`);
    console.log(`  printer name from the stored event: ${(parse / N * 1000).toFixed(2)} µs per attempt (${(parse / baseline).toFixed(2)} x the in-memory add)`);
    console.log(`  file after rotation: ${(fileBytes / 1024).toFixed(0)} KiB (bound 2048 KiB); read back at deploy: ${readBack.toFixed(1)} ms for ${again.length} entries; search over them: ${search.toFixed(2)} ms`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
