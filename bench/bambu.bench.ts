// Delta reports per second through the Bambu path on one core: JSON parse, deep-merge into the cached
// state, lifecycle mapping (cancel/pause rules, HMS/print_error decoding) and the shared JobTracker.
// The baseline, measured in the same run, is JSON.parse alone over the same payloads. A second pass
// does the same with full reports (X1 firmware sends the whole object every time).
import { performance } from 'node:perf_hooks';
import { BambuConnection } from '../src/sources/bambu/connection';
import { mergeReport, type BambuState } from '../src/sources/bambu/merge';
import { BambuMonitor } from '../src/sources/bambu/monitor';
import { fullReport } from '../test/fakes/bambu/reports';

const N = Number(process.env.BENCH_N ?? 200_000);

function deltas(n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const print: Record<string, unknown> = {
      command: 'push_status',
      msg: 1,
      sequence_id: String(2000 + i),
      mc_percent: Math.floor((i / n) * 100),
      mc_remaining_time: Math.max(0, 120 - Math.floor((i / n) * 120)),
      nozzle_temper: 219.5 + (i % 5) * 0.1,
      bed_temper: 55 + (i % 3) * 0.1,
      wifi_signal: `-${40 + (i % 9)}dBm`,
    };
    if (i % 400 === 0) print.layer_num = 1 + Math.floor(i / 400);
    if (i % 1000 === 0) print.ams = { ams: [{ id: '0', humidity: String(i % 5), tray: [{ id: String(i % 4), remain: 100 - (i % 100) }] }] };
    if (i % 5000 === 0) print.hms = i % 10000 === 0 ? [] : [{ attr: 0x0c000300, code: 0x00030007 }];
    out.push(Buffer.from(JSON.stringify({ print })));
  }
  return out;
}

function fulls(n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Buffer.from(JSON.stringify({ print: fullReport({ gcode_state: 'RUNNING', subtask_name: 'bench', task_id: '77', mc_percent: Math.floor((i / n) * 100), layer_num: 1 + Math.floor(i / 400), total_layer_num: 1 + Math.floor(n / 400), sequence_id: String(i) }) })));
  }
  return out;
}

function rate(count: number, ms: number): string {
  return Math.round((count / ms) * 1000).toLocaleString('en-US');
}

function run(label: string, input: Buffer[]): void {
  global.gc?.();
  let t = performance.now();
  let sink = 0;
  for (const payload of input) sink += Object.keys((JSON.parse(payload.toString('utf8')) as { print: object }).print).length;
  const baseMs = performance.now() - t;

  const connection = new BambuConnection({ host: '127.0.0.1', serial: 'BENCH', accessCode: 'x', tls: { mode: 'insecure' } }); // never started
  let events = 0;
  const monitor = new BambuMonitor({ printer: { id: 'bench', name: 'bench', kind: 'bambu' }, connection, emit: () => events++ });
  const state: BambuState = mergeReport({}, fullReport({ gcode_state: 'RUNNING', subtask_name: 'bench', task_id: '77', total_layer_num: Math.ceil(input.length / 400) }));
  monitor.baseline(state);

  global.gc?.();
  t = performance.now();
  for (const payload of input) {
    const message = JSON.parse(payload.toString('utf8')) as { print: BambuState };
    mergeReport(state, message.print);
    monitor.report(message.print, state);
  }
  const pipeMs = performance.now() - t;
  monitor.dispose();

  console.log(`${label}: ${input.length} reports (sink ${sink > 0 ? 'ok' : 'empty'}), events emitted: ${events}`);
  console.log(`  baseline JSON.parse only:           ${rate(input.length, baseMs)} reports/s (${baseMs.toFixed(0)} ms)`);
  console.log(`  parse + merge + mapping + tracker:  ${rate(input.length, pipeMs)} reports/s (${pipeMs.toFixed(0)} ms)`);
  console.log(`  ratio pipeline / baseline: ${(baseMs / pipeMs).toFixed(2)} (1.00 = as fast as parsing alone)`);
}

run('delta reports (P1/A1 style)', deltas(N));
run('full reports (X1 style)', fulls(Math.floor(N / 10)));
console.log('A printer sends about 1 report/s while printing: one core follows thousands of printers.');
