// Status diffs per second through the Moonraker path on one core: frame parse, deep-merge into the
// monitor's object cache, job-state mapping and the shared JobTracker. The baseline, measured in the
// same run, is JSON.parse alone over the same frames (the floor any client pays).
import { performance } from 'node:perf_hooks';
import { MoonrakerConnection } from '../src/sources/moonraker/connection';
import { parseFrame } from '../src/sources/moonraker/jsonrpc';
import { MoonrakerMonitor } from '../src/sources/moonraker/monitor';
import type { PrinterObjects } from '../src/sources/moonraker/merge';

const N = Number(process.env.BENCH_N ?? 200_000);

function frames(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const diff: PrinterObjects = {
      print_stats: { total_duration: 100 + i * 0.25, print_duration: 90 + i * 0.25, filament_used: i * 0.1 },
      virtual_sdcard: { progress: (i % n) / n, file_position: 1000 + i * 10 },
      extruder: { temperature: 214.5 + (i % 7) * 0.1, power: 0.5 },
    };
    if (i % 500 === 0) (diff.print_stats as Record<string, unknown>).info = { total_layer: 1000, current_layer: 1 + Math.floor(i / 500) };
    if (i % 3 === 0) diff.heater_bed = { temperature: 60 + (i % 5) * 0.1 };
    out.push(JSON.stringify({ jsonrpc: '2.0', method: 'notify_status_update', params: [diff, 4000 + i] }));
  }
  return out;
}

function rate(ms: number): number {
  return Math.round((N / ms) * 1000);
}

async function main(): Promise<void> {
  const input = frames(N);

  global.gc?.();
  let t = performance.now();
  let sink = 0;
  for (const f of input) sink += (JSON.parse(f) as { params: unknown[] }).params.length;
  const baseMs = performance.now() - t;

  const connection = new MoonrakerConnection({ url: 'http://127.0.0.1:1' }); // never started
  let events = 0;
  const monitor = new MoonrakerMonitor({ printer: { id: 'bench', name: 'bench', kind: 'moonraker' }, connection, emit: () => events++ });
  monitor.baseline({
    print_stats: { state: 'printing', filename: 'bench.gcode', total_duration: 0, print_duration: 0, info: { total_layer: 1000, current_layer: 1 } },
    virtual_sdcard: { progress: 0, file_position: 0, is_active: true },
    extruder: { temperature: 215, target: 215, power: 0.5 },
    heater_bed: { temperature: 60, target: 60 },
  });
  await new Promise((r) => setTimeout(r, 10));

  global.gc?.();
  t = performance.now();
  for (const f of input) {
    const frame = parseFrame(f);
    if (frame.kind === 'notification') monitor.status(frame.params[0] as PrinterObjects);
  }
  const pipeMs = performance.now() - t;
  monitor.dispose();

  console.log(`frames: ${N} status diffs (sink ${sink > 0 ? 'ok' : 'empty'}), events emitted: ${events}`);
  console.log(`baseline JSON.parse only:            ${rate(baseMs).toLocaleString('en-US')} diffs/s (${baseMs.toFixed(0)} ms)`);
  console.log(`parse + merge + mapping + tracker:   ${rate(pipeMs).toLocaleString('en-US')} diffs/s (${pipeMs.toFixed(0)} ms)`);
  console.log(`ratio pipeline / baseline: ${(baseMs / pipeMs).toFixed(2)} (1.00 = as fast as parsing alone)`);
  console.log(`Klipper sends at most 4 diffs/s per printer: one core follows ~${Math.floor(rate(pipeMs) / 4).toLocaleString('en-US')} printers`);
}

void main();
