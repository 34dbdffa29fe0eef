// Printer reports per second through the Elegoo paths on one core. SDCP (Centauri Carbon): a full status
// frame parsed, read through the firmware table and fed to the monitor and the shared JobTracker. CC2:
// a delta parsed, merged (bounded) into the cached status, read and fed the same way. The baseline,
// measured in the same run, is JSON.parse alone over the same frames (the floor any client pays).
import { performance } from 'node:perf_hooks';
import { parseBoundedJson } from '../src/sources/bounded-json';
import { Cc2Connection } from '../src/sources/elegoo/cc2-connection';
import { SdcpConnection } from '../src/sources/elegoo/connection';
import { mergeCc2 } from '../src/sources/elegoo/merge';
import { ElegooMonitor } from '../src/sources/elegoo/monitor';
import { cc2Reading, sdcpReading } from '../src/sources/elegoo/reading';
import { parseSdcpFrame } from '../src/sources/elegoo/sdcp';

const N = Number(process.env.BENCH_N ?? 100_000);
const printer = { id: 'bench', name: 'bench', kind: 'elegoo' as const };

function sdcpFrames(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const status = {
      CurrentStatus: [1],
      TempOfNozzle: 219.9 + (i % 7) * 0.01,
      TempOfHotbed: 60 + (i % 5) * 0.01,
      TempOfBox: 28.8,
      CurrenCoord: `${i % 200}.19,170.38,0.37`,
      CurrentFanSpeed: { ModelFan: 100, AuxiliaryFan: 0, BoxFan: 100 },
      PrintInfo: { Status: 13, CurrentLayer: 1 + Math.floor((i / n) * 500), TotalLayer: 500, CurrentTicks: i * 0.5, TotalTicks: n * 0.5, Filename: 'bench.gcode', TaskId: 'bench-task', PrintSpeedPct: 100, Progress: Math.floor((i / n) * 100) },
    };
    out.push(JSON.stringify({ Status: status, MainboardID: '045c14910147017000002c0000000000', TimeStamp: 1746293613 + i, Topic: 'sdcp/status/045c14910147017000002c0000000000' }));
  }
  return out;
}

function cc2Frames(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const result: Record<string, unknown> = { extruder: { temperature: 215 + (i % 7) * 0.1 }, print_status: { print_duration: i, remaining_time_sec: n - i } };
    if (i % 50 === 0) result.machine_status = { progress: Math.floor((i / n) * 100) };
    if (i % 200 === 0) (result.print_status as Record<string, unknown>).current_layer = 1 + Math.floor((i / n) * 500);
    out.push(JSON.stringify({ id: i + 1, method: 6000, result }));
  }
  return out;
}

function rate(ms: number): string {
  return Math.round((N / ms) * 1000).toLocaleString('en-US');
}

function baseline(frames: string[]): number {
  global.gc?.();
  const t = performance.now();
  let sink = 0;
  for (const f of frames) sink += Object.keys(JSON.parse(f) as object).length;
  if (sink === 0) throw new Error('empty');
  return performance.now() - t;
}

async function sdcp(): Promise<void> {
  const frames = sdcpFrames(N);
  const baseMs = baseline(frames);
  const link = new SdcpConnection({ host: '127.0.0.1', port: 1, model: 'cc' }); // never started
  let events = 0;
  const monitor = new ElegooMonitor({ printer, link, emit: () => events++ });
  const first = { PrintInfo: { Status: 13, TaskId: 'bench-task', Filename: 'bench.gcode', Progress: 0 } };
  monitor.baseline(sdcpReading(first, 'cc'), first);
  await new Promise((r) => setTimeout(r, 10));
  global.gc?.();
  const t = performance.now();
  for (const f of frames) {
    const frame = parseSdcpFrame(f);
    if (frame.kind === 'status') monitor.report(sdcpReading(frame.status, 'cc'), frame.status);
  }
  const pipeMs = performance.now() - t;
  monitor.dispose();
  console.log(`SDCP: ${N} full status frames, events emitted: ${events}`);
  console.log(`  baseline JSON.parse only:             ${rate(baseMs)} frames/s (${baseMs.toFixed(0)} ms)`);
  console.log(`  parse + table + monitor + tracker:    ${rate(pipeMs)} frames/s (${pipeMs.toFixed(0)} ms)`);
  console.log(`  ratio pipeline / baseline: ${(baseMs / pipeMs).toFixed(2)} (1.00 = as fast as parsing alone)`);
}

async function cc2(): Promise<void> {
  const frames = cc2Frames(N);
  const baseMs = baseline(frames);
  const link = new Cc2Connection({ host: '127.0.0.1', port: 1, serial: 'BENCH' }); // never started
  let events = 0;
  const monitor = new ElegooMonitor({ printer, link, emit: () => events++ });
  const state: Record<string, unknown> = {
    machine_status: { status: 2, sub_status: 2075, exception_status: [], progress: 0 },
    print_status: { filename: 'bench.gcode', uuid: 'bench', current_layer: 1, total_layer: 500, print_duration: 0, remaining_time_sec: N },
    extruder: { temperature: 215, target: 215, filament_detect_enable: 1, filament_detected: 1 },
    heater_bed: { temperature: 60, target: 60 },
  };
  monitor.baseline(cc2Reading(state), state);
  await new Promise((r) => setTimeout(r, 10));
  global.gc?.();
  const t = performance.now();
  for (const f of frames) {
    const parsed = parseBoundedJson(f);
    if (!parsed.ok) continue;
    mergeCc2(state, (parsed.value as { result: Record<string, unknown> }).result);
    monitor.report(cc2Reading(state), state);
  }
  const pipeMs = performance.now() - t;
  monitor.dispose();
  console.log(`CC2: ${N} status deltas, events emitted: ${events}`);
  console.log(`  baseline JSON.parse only:             ${rate(baseMs)} deltas/s (${baseMs.toFixed(0)} ms)`);
  console.log(`  parse + merge + read + tracker:       ${rate(pipeMs)} deltas/s (${pipeMs.toFixed(0)} ms)`);
  console.log(`  ratio pipeline / baseline: ${(baseMs / pipeMs).toFixed(2)} (1.00 = as fast as parsing alone)`);
}

async function main(): Promise<void> {
  await sdcp();
  await cc2();
}

void main();
