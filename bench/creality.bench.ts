// Status frames per second through the Creality path on one core: frame classification and bounded
// parse, the field merge into the cached status, state mapping and the shared JobTracker. The
// baseline, measured in the same run, is JSON.parse alone over the same frames (the floor any client pays).
import { performance } from 'node:perf_hooks';
import { CrealityConnection } from '../src/sources/creality/connection';
import { parseCrealityFrame } from '../src/sources/creality/frames';
import { mergeStatus, type CrealityState } from '../src/sources/creality/merge';
import { CrealityMonitor } from '../src/sources/creality/monitor';

const N = Number(process.env.BENCH_N ?? 200_000);

/** Partial frames as a K1 sends them while printing: numbers partly as text, a layer now and then. */
function frames(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const frame: CrealityState = {
      printProgress: Math.floor((i / n) * 100),
      printJobTime: 100 + i,
      printLeftTime: n - i,
      nozzleTemp: (219.5 + (i % 7) * 0.1).toFixed(2),
      bedTemp0: (60 + (i % 5) * 0.01).toFixed(2),
    };
    if (i % 500 === 0) frame.layer = 1 + Math.floor(i / 500);
    if (i % 4 === 0) frame.curPosition = `X:${(i % 220).toFixed(2)} Y:${(i % 200).toFixed(2)} Z:${(i / 500).toFixed(2)}`;
    out.push(JSON.stringify(frame));
  }
  return out;
}

function rate(ms: number): number {
  return Math.round((N / ms) * 1000);
}

function main(): void {
  const input = frames(N);

  global.gc?.();
  let t = performance.now();
  let sink = 0;
  for (const f of input) sink += Object.keys(JSON.parse(f) as object).length;
  const baseMs = performance.now() - t;

  const connection = new CrealityConnection({ host: '127.0.0.1', port: 1 }); // never started
  let events = 0;
  const monitor = new CrealityMonitor({ printer: { id: 'bench', name: 'bench', kind: 'creality' }, connection, emit: () => events++ });
  const state: CrealityState = { state: 1, deviceState: 1, printFileName: '/usr/data/printer_data/gcodes/bench.gcode', printStartTime: 1_781_700_000, printProgress: 0, layer: 1, TotalLayer: 1000, bedTemp0: '60.00', err: { errcode: 0, key: 0 } };
  monitor.baseline(state);

  global.gc?.();
  t = performance.now();
  for (const f of input) {
    const frame = parseCrealityFrame(f);
    if (frame.kind !== 'status') continue;
    const { delta } = mergeStatus(state, frame.fields);
    monitor.report(delta, state);
  }
  const pipeMs = performance.now() - t;
  monitor.dispose();

  console.log(`frames: ${N} partial status frames (sink ${sink > 0 ? 'ok' : 'empty'}), events emitted: ${events}`);
  console.log(`baseline JSON.parse only:            ${rate(baseMs).toLocaleString('en-US')} frames/s (${baseMs.toFixed(0)} ms)`);
  console.log(`parse + merge + mapping + tracker:   ${rate(pipeMs).toLocaleString('en-US')} frames/s (${pipeMs.toFixed(0)} ms)`);
  console.log(`ratio pipeline / baseline: ${(baseMs / pipeMs).toFixed(2)} (1.00 = as fast as parsing alone)`);
  console.log(`a K-series printer pushes a few frames/s: one core follows ~${Math.floor(rate(pipeMs) / 5).toLocaleString('en-US')} printers at 5 frames/s`);
}

main();
