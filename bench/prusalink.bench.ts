// Polls per second through the PrusaLink path on one core: bounded JSON parse of a /api/v1/status body,
// the view (merge.ts), the job details laid over it, the state mapping and the shared JobTracker. The
// baseline, measured in the same run, is JSON.parse alone over the same bodies (the floor any client pays).
// A Digest Authorization header (computed once per request) is timed beside it.
import { performance } from 'node:perf_hooks';
import { parseBoundedJson } from '../src/sources/bounded-json';
import { DigestSession } from '../src/sources/prusalink/digest';
import { mergeDetails, parseStatus } from '../src/sources/prusalink/merge';
import { PrusaLinkMonitor } from '../src/sources/prusalink/monitor';

const N = Number(process.env.BENCH_N ?? 50_000);

function bodies(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const progress = Math.floor((i / n) * 100);
    out.push(
      JSON.stringify({
        job: { id: 17, progress, time_remaining: 3600 - Math.floor(i / 100), time_printing: Math.floor(i / 100) },
        storage: { path: '/usb/', name: 'usb', read_only: false },
        printer: { state: i % 5000 < 40 ? 'PAUSED' : 'PRINTING', temp_bed: 59.5 + (i % 7) * 0.1, target_bed: 60, temp_nozzle: 214.5 + (i % 5) * 0.1, target_nozzle: 215, axis_z: 2.4, flow: 100, speed: 100, fan_hotend: 5200, fan_print: 3100 },
      }),
    );
  }
  return out;
}

function rate(ms: number, n = N): number {
  return Math.round((n / ms) * 1000);
}

function main(): void {
  const input = bodies(N);
  const buffers = input.map((b) => Buffer.from(b));

  global.gc?.();
  let t = performance.now();
  let sink = 0;
  for (const b of input) sink += (JSON.parse(b) as { job: { id: number } }).job.id;
  const baseMs = performance.now() - t;

  let events = 0;
  const monitor = new PrusaLinkMonitor({ printer: { id: 'bench', name: 'bench', kind: 'prusalink' }, emit: () => events++ });
  const details = { id: 17, file: 'bench.bgcode', path: '/usb' };
  monitor.baseline({ state: 'PRINTING', job: { id: 17, progress: 0, file: 'bench.bgcode' } });

  global.gc?.();
  t = performance.now();
  for (const b of buffers) {
    const parsed = parseBoundedJson(b, { maxDepth: 16 });
    if (parsed.ok) monitor.report(mergeDetails(parseStatus(parsed.value as Record<string, unknown>), details));
  }
  const pipeMs = performance.now() - t;
  monitor.dispose();

  const digest = new DigestSession('maker', 'password');
  digest.accept('Digest realm="Printer API", nonce="0123456789abcdef", stale=false');
  const headers = Math.min(N, 100_000);
  t = performance.now();
  for (let i = 0; i < headers; i++) sink += digest.authorization('GET', '/api/v1/status')!.length;
  const digestMs = performance.now() - t;

  console.log(`polls: ${N} status bodies (sink ${sink > 0 ? 'ok' : 'empty'}), events emitted: ${events}`);
  console.log(`baseline JSON.parse only:                 ${rate(baseMs).toLocaleString('en-US')} polls/s (${baseMs.toFixed(0)} ms)`);
  console.log(`bounded parse + view + mapping + tracker: ${rate(pipeMs).toLocaleString('en-US')} polls/s (${pipeMs.toFixed(0)} ms)`);
  console.log(`ratio pipeline / baseline: ${(baseMs / pipeMs).toFixed(2)} (1.00 = as fast as parsing alone)`);
  console.log(`Digest Authorization header: ${rate(digestMs, headers).toLocaleString('en-US')} headers/s`);
  console.log(`at the fast poll (1/s) one core follows ~${Math.floor(Math.min(rate(pipeMs), rate(digestMs, headers))).toLocaleString('en-US')} printers (parsing only; the printers' own web servers are the limit)`);
}

main();
