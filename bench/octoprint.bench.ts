// OctoPrint push messages per second through our path on one core: frame parse, mapping and the
// shared JobTracker. The mix is what a printing OctoPrint sends: mostly `current` (full state model,
// with temps and logs), with job events in between. The baseline, measured in the same run, is
// JSON.parse alone over the same frames (the floor any client pays).
import { performance } from 'node:perf_hooks';
import { parseFrame } from '../src/sources/octoprint/frames';
import { OctoPrintMonitor } from '../src/sources/octoprint/monitor';

const N = Number(process.env.BENCH_N ?? 200_000);
const FILE = 'bench_0.2mm_PLA.gcode';
const flags = { operational: true, printing: true, cancelling: false, pausing: false, resuming: false, finishing: false, closedOrError: false, error: false, paused: false, ready: false, sdReady: false };

function current(i: number, jobLength: number): string {
  const completion = ((i % jobLength) / jobLength) * 100;
  return JSON.stringify({
    current: {
      state: { text: 'Printing', flags, error: '' },
      job: { file: { name: FILE, path: FILE, display: FILE, origin: 'local', size: 2_000_000, date: 1_700_000_000 }, estimatedPrintTime: 3600, averagePrintTime: null, lastPrintTime: null, filament: { tool0: { length: 4000, volume: 9 } }, user: 'bench' },
      currentZ: 0.2 + (i % 200) * 0.2,
      progress: { completion, filepos: i * 10, printTime: i % jobLength, printTimeLeft: jobLength - (i % jobLength), printTimeLeftOrigin: 'linear' },
      offsets: {},
      resends: { count: 0, transmitted: i, ratio: 0 },
      serverTime: 1_700_000_000 + i * 0.5,
      temps: [{ time: 1_700_000_000 + i, tool0: { actual: 214.8, target: 215 }, bed: { actual: 60.1, target: 60 } }],
      logs: ['Send: N1 G1 X1 Y1 E0.1*12', 'Recv: ok'],
      messages: [],
      busyFiles: [{ origin: 'local', path: FILE }],
      markings: [],
    },
  });
}

function frames(n: number): string[] {
  const jobLength = 5000;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const step = i % jobLength;
    const payload = { name: FILE, path: FILE, origin: 'local', size: 2_000_000, owner: 'bench', user: 'bench' };
    if (step === 0) out.push(JSON.stringify({ event: { type: 'PrintStarted', payload } }));
    else if (step === jobLength - 1) out.push(JSON.stringify({ event: { type: 'PrintDone', payload: { ...payload, time: 3600 } } }));
    else if (step % 1000 === 500) out.push(JSON.stringify({ event: { type: 'ZChange', payload: { new: 1, old: 0.8 } } }));
    else out.push(current(i, jobLength));
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

  let clock = 1_700_000_000_000;
  const mapper = new OctoPrintMonitor({ printer: { id: 'bench', name: 'bench', kind: 'octoprint' }, now: () => new Date((clock += 500)) });
  mapper.connected();
  mapper.handle(parseFrame(JSON.stringify({ history: { state: { text: 'Operational', flags: { ...flags, printing: false } }, job: { file: {} }, progress: {} } })));
  let events = 0;

  global.gc?.();
  t = performance.now();
  for (const f of input) events += mapper.handle(parseFrame(f)).length;
  const pipeMs = performance.now() - t;

  console.log(`frames: ${N} push messages (sink ${sink > 0 ? 'ok' : 'empty'}), events emitted: ${events}`);
  console.log(`baseline JSON.parse only:        ${rate(baseMs).toLocaleString('en-US')} msgs/s (${baseMs.toFixed(0)} ms)`);
  console.log(`parse + mapping + JobTracker:    ${rate(pipeMs).toLocaleString('en-US')} msgs/s (${pipeMs.toFixed(0)} ms)`);
  console.log(`ratio pipeline / baseline: ${(baseMs / pipeMs).toFixed(2)} (1.00 = as fast as parsing alone)`);
  console.log(`OctoPrint sends at most 2 state messages/s per socket: one core follows ~${Math.floor(rate(pipeMs) / 2).toLocaleString('en-US')} printers`);
}

main();
