// What capturing at an event and the odometer cost a source, on one core. Baselines measured in the same
// run: building the events alone (buildEvent), and for memory the heap before the captures.
// 1. capture() on the event path: the call returns before the camera answers (docs/snapshots.md).
// 2. memory held by the capture store after 200 images of 1 MiB: bounded by 32 images / 32 MiB.
// 3. Odometer.observe per event (docs/maintenance.md).
import { performance } from 'node:perf_hooks';
import { buildEvent, type EventType, type PrinterEvent } from '../src/event';
import { Odometer } from '../src/odometer/odometer';
import { parseMaintenanceRules } from '../src/odometer/rules';
import { CaptureStore } from '../src/snapshot/capture-store';

const N = Number(process.env.BENCH_N ?? 100_000);
const printer = { id: 'bench', name: 'bench', kind: 'moonraker' as const };
const TYPES: EventType[] = ['print.started', 'print.progress', 'print.progress', 'print.done'];

function events(n: number): PrinterEvent[] {
  const out: PrinterEvent[] = [];
  for (let i = 0; i < n; i += 1) out.push(buildEvent({ type: TYPES[i % 4], printer, job: { id: `j${Math.floor(i / 4)}`, progress: i % 100 }, discriminator: i }));
  return out;
}

async function main(): Promise<void> {
  let t = performance.now();
  const list = events(N);
  const buildMs = performance.now() - t;

  // 1: capture calls for the terminal events, with a camera that answers only later
  const store = new CaptureStore({ limits: { queued: N } });
  const pending: Array<() => void> = [];
  const camera = (): Promise<Buffer> => new Promise((resolve) => pending.push(() => resolve(Buffer.alloc(1024, 1))));
  t = performance.now();
  for (const e of list) if (e.type === 'print.done') store.capture(e.id, camera);
  const captureMs = performance.now() - t;
  const captures = N / 4;
  console.log(`capture() on the event path: ${(captureMs * 1000 / captures).toFixed(2)} µs per terminal event; building the events alone: ${(buildMs * 1000 / N).toFixed(2)} µs per event (ratio ${(captureMs / captures / (buildMs / N)).toFixed(2)})`);
  store.dispose();

  // 2: memory bound
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const bounded = new CaptureStore();
  for (let i = 0; i < 200; i += 1) {
    bounded.capture(`evt_mem${i}`, async () => Buffer.alloc(1024 * 1024, i % 256));
    await bounded.lookup(`evt_mem${i}`, 1000);
  }
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const use = bounded.memoryUse();
  console.log(`after 200 images of 1 MiB: ${use.count} kept, ${(use.bytes / 1048576).toFixed(1)} MiB in the store; heap + buffers grew ${((heapAfter - heapBefore) / 1048576).toFixed(1)} MiB (bound 32 MiB)`);
  if (use.count > 32 || use.bytes > 32 * 1048576) throw new Error('the capture store went over its memory bound');

  // 3: odometer
  const odometer = new Odometer(parseMaintenanceRules('every 200 print_hours: lubricate rods\nevery 50 jobs: clean bed'), undefined, 0);
  t = performance.now();
  let due = 0;
  for (let i = 0; i < list.length; i += 1) due += odometer.observe(list[i], i * 1000).due.length;
  const odoMs = performance.now() - t;
  console.log(`Odometer.observe: ${(odoMs * 1000 / N).toFixed(2)} µs per event (ratio to building it ${(odoMs / buildMs).toFixed(2)}); ${due} reminders`);
}

void main();
