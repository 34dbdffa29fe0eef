// Delivery benchmark (docs/delivery.md). One run prints:
//  - signed durable deliveries/s through the sender's queue vs a bare axios keep-alive loop doing the
//    same signing (target >= 0.8) and vs the core `http request` node fed the same burst (target >= 3);
//  - enqueue latency p50 / p99 (target p99 < 1 ms);
//  - RSS with 100,000 queued (target < 150 MB) and the time to recover them at start (target < 3 s),
//    each measured in a fresh child process;
//  - scheduling (issue 18): 1,000 queued events of 30 printers to a target limited to 5 requests / 2 s
//    (a receiver enforcing that window): the latency of every terminal event against the limit's floor,
//    what was dropped (only superseded progress / layer events), and that the receiver rejected nothing.
//    BENCH_ONLY=scheduling runs only this part.
import { spawn, spawnSync } from 'child_process';
import { createHmac } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import axios from 'axios';
import { DeliveryQueue } from '../src/delivery/delivery-queue';
import { EndpointHealth } from '../src/delivery/endpoint-health';
import { HttpTransport } from '../src/delivery/http-transport';
import { Outbox } from '../src/delivery/outbox';
import { requestFromMsg } from '../src/delivery/request-from-msg';
import { RetryPolicy, DEFAULT_SCHEDULE } from '../src/delivery/retry-policy';
import { RateLimiter } from '../src/delivery/rate-limiter';
import { getSigner, registerSigner } from '../src/sign/signer-registry';

// The burst of the comparison in docs/delivery.md (the core node lost 21 of 20,000 with EMFILE).
const N = Number(process.env.BENCH_N ?? 20000);
const WARMUP = 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const QUEUED = 100_000;
// msgs enqueued before waiting for them to be durable, as a source bursting into the sender would
const FILL_BATCH = Number(process.env.BENCH_FILL_BATCH ?? 1000);
const KEY = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
const BODY = JSON.stringify({ type: 'print.progress', data: { file: 'benchy.gcode', progress: 42, pad: 'x'.repeat(900) } });

function sign(id: string, body: Buffer, timestamp: number): Record<string, string> {
  const mac = createHmac('sha256', KEY).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${mac}` };
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The receiver runs in its own process so it does not share the event loop being measured. */
async function startReceiver(): Promise<{ url: string; stop: () => void }> {
  const code = `const http=require('http');const s=http.createServer((q,r)=>{q.resume();q.on('end',()=>{r.writeHead(204);r.end();});});s.keepAliveTimeout=30000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { url: `http://127.0.0.1:${port}/hook`, stop: () => child.kill() };
}

async function bareAxios(url: string, count: number): Promise<number> {
  const client = axios.create({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
    maxRedirects: 0,
    validateStatus: () => true,
  });
  const body = Buffer.from(BODY);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const headers = { 'content-type': 'application/json', ...sign(`evt_${i}`, body, Math.floor(Date.now() / 1000)) };
        await client.post(url, body, { headers });
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function sender(url: string, count: number, concurrency = CONCURRENCY): Promise<{ rate: number; enqueueUs: number[]; durableMs: number[] }> {
  const dir = tmp('printhooks-bench-send-');
  const outbox = new Outbox(dir);
  const transport = new HttpTransport({ timeoutMs: 15000, maxSockets: concurrency });
  const health = new EndpointHealth();
  const unregister = registerSigner('bench-signer', { headerNames: ['webhook-id', 'webhook-timestamp', 'webhook-signature'], sign: (a) => sign(a.id, a.body, a.timestamp) });
  let delivered = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (finish = r));
  const queue = new DeliveryQueue({
    outbox,
    policy: new RetryPolicy({ schedule: DEFAULT_SCHEDULE, jitter: 0.2, overloadDelay: 60 }),
    target: () => ({ url, method: 'POST', authHeaders: {}, health, send: (r) => transport.send(r) }),
    getSigner,
    concurrency,
    // output 1 unwired, as the node does when nothing is connected: the msg is not rebuilt
    onDelivered: () => {
      delivered += 1;
      if (delivered === count) finish();
    },
  });
  queue.start();
  const body = Buffer.from(BODY);
  const enqueueUs: number[] = [];
  const durableMs: number[] = [];
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    // what the signer node hands over: exact bytes, its headers, msg.webhook
    const msg = { payload: body, headers: { 'content-type': 'application/json', ...sign(`evt_${i}`, body, 1) }, webhook: { id: `evt_${i}`, timestamp: 1, signer: 'bench-signer' } };
    const t0 = performance.now();
    const req = requestFromMsg(msg, { allowOverride: false, stripHeaders: ['webhook-id', 'webhook-timestamp', 'webhook-signature'] });
    const p = queue.enqueue(req);
    enqueueUs.push((performance.now() - t0) * 1000);
    pending.push(p.then(() => void durableMs.push(performance.now() - t0)));
  }
  await Promise.all(pending);
  await allDone;
  const rate = count / ((performance.now() - started) / 1000);
  await queue.stop();
  transport.close();
  unregister();
  fs.rmSync(dir, { recursive: true, force: true });
  return { rate, enqueueUs, durableMs };
}

/** The core http request node (Node-RED 5 via the test helper), fed the same signed msgs in one burst. */
async function coreHttpRequest(url: string, count: number): Promise<number> {
  const helper = require('node-red-node-test-helper');
  helper.init(require.resolve('node-red'));
  const httpRequest = require(require.resolve('@node-red/nodes/core/network/21-httprequest.js', { paths: [path.dirname(require.resolve('node-red'))] }));
  await helper.startServer();
  await helper.load(httpRequest, [
    { id: 'hr', type: 'http request', method: 'POST', ret: 'txt', url, persist: true, wires: [['out']] },
    { id: 'out', type: 'helper' },
  ]);
  const hr = helper.getNode('hr');
  const out = helper.getNode('out');
  let got = 0;
  const done = new Promise<void>((resolve) => out.on('input', () => (++got === count ? resolve() : undefined)));
  const body = BODY;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    hr.receive({ payload: body, headers: { 'content-type': 'application/json', ...sign(`evt_${i}`, Buffer.from(body), Math.floor(Date.now() / 1000)) } });
  }
  await done;
  const rate = count / ((performance.now() - started) / 1000);
  await helper.unload();
  await helper.stopServer();
  return rate;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Child mode: fill an outbox with QUEUED msgs (endpoint disabled), report RSS. */
async function fillChild(dir: string): Promise<void> {
  const baseline = process.memoryUsage().rss;
  const outbox = new Outbox(dir);
  const health = new EndpointHealth();
  health.disable('bench: nothing is sent');
  const queue = new DeliveryQueue({
    outbox,
    policy: new RetryPolicy({ schedule: DEFAULT_SCHEDULE, jitter: 0.2, overloadDelay: 60 }),
    target: () => ({ url: 'http://127.0.0.1:9/', method: 'POST', authHeaders: {}, health, send: async () => ({ kind: 'network', error: 'x', durationMs: 0 }) }),
    getSigner,
  });
  const body = Buffer.from(BODY);
  for (let start = 0; start < QUEUED; start += FILL_BATCH) {
    const batch = [];
    for (let i = start; i < start + FILL_BATCH; i++) {
      // each msg also carries its PrinterEvent (stored with the record so the outputs get msg.event back)
      const event = { id: `evt_${i}`, type: 'print.progress', time: new Date(1700000000000 + i).toISOString(), printer: { id: 'mk4-bench', name: 'MK4 bench', kind: 'octoprint' }, job: { id: `job_${i}`, file: 'benchy_0.2mm_PLA_MK4_1h2m.gcode', progress: i % 100, elapsed_s: i, remaining_s: 3600 - (i % 3600) }, raw: { state: 'Printing' } };
      batch.push(queue.enqueue(requestFromMsg({ payload: body, event, topic: 'print.progress', headers: { 'content-type': 'application/json' }, webhook: { id: `evt_${i}`, signer: 'bench-signer' } }, { allowOverride: false })));
    }
    await Promise.all(batch);
  }
  (global as { gc?: () => void }).gc?.();
  console.log(JSON.stringify({ rssMb: process.memoryUsage().rss / 1048576, baselineMb: baseline / 1048576, queued: queue.queued, fileMb: outbox.fileBytes / 1048576 }));
  process.exit(0); // no close: like a crash, the next start recovers from the log alone
}

/** Child mode: recover the outbox left by fillChild, report time and RSS. */
function recoverChild(dir: string): void {
  const baseline = process.memoryUsage().rss;
  const t0 = performance.now();
  const outbox = new Outbox(dir);
  const queue = new DeliveryQueue({
    outbox,
    policy: new RetryPolicy({ schedule: DEFAULT_SCHEDULE, jitter: 0.2, overloadDelay: 60 }),
    target: () => undefined,
    getSigner,
  });
  const ms = performance.now() - t0;
  (global as { gc?: () => void }).gc?.();
  console.log(JSON.stringify({ ms, queued: queue.queued, rssMb: process.memoryUsage().rss / 1048576, baselineMb: baseline / 1048576 }));
  process.exit(0);
}

function child(mode: string, dir: string): Record<string, number> {
  const res = spawnSync(process.execPath, ['--expose-gc', '--require', 'tsx/cjs', __filename, mode, dir], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${mode} child failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!);
}

/** A deterministic random (mulberry32), so every run queues the same 1,000 events. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The 1,000 events of the farm: 30 starts, 20 terminal events at random points, the rest progress / layer. */
function farmEvents(): Array<{ type: string; printer: string }> {
  const random = seeded(18);
  const printers = Array.from({ length: 30 }, (_, n) => `printer-${n + 1}`);
  const ending = new Set(printers.slice(0, 20));
  const ended = new Set<string>();
  const events: Array<{ type: string; printer: string }> = printers.map((p) => ({ type: 'print.started', printer: p }));
  while (events.length < 1000) {
    const printer = printers[Math.floor(random() * printers.length)];
    if (ended.has(printer)) continue;
    const remaining = 1000 - events.length;
    const endsLeft = [...ending].filter((p) => !ended.has(p)).length;
    if (ending.has(printer) && (random() < 0.03 || remaining <= endsLeft)) {
      ended.add(printer);
      events.push({ type: TERMINALS[ended.size % 3], printer });
    } else if (remaining > endsLeft) {
      events.push({ type: random() < 0.5 ? 'print.progress' : 'print.layer', printer });
    }
  }
  return events;
}

const TERMINALS = ['print.done', 'print.failed', 'print.cancelled'];

interface FarmRun {
  arrivals: Array<{ at: number; type: string }>;
  rejected: number;
  superseded: number;
  dead: number;
  sendable: number;
  totalMs: number;
}

/**
 * Queues `events` while the target is unreachable, then releases them to a receiver that accepts 5 requests in any
 * `periodMs` (429 beyond). `fifo`: the same bodies without their event (string payloads), so the queue sees no
 * event type and no job: no lanes, no coalescing, plain enqueue order (the baseline).
 */
async function farmRun(events: Array<{ type: string; printer: string }>, periodMs: number, fifo: boolean): Promise<FarmRun> {
  const WINDOW = { requests: 5, periodMs };
  const run: FarmRun = { arrivals: [], rejected: 0, superseded: 0, dead: 0, sendable: 0, totalMs: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      // 40 ms of slack for loopback scheduling between the sender's start and this arrival
      const recent = run.arrivals.filter((a) => a.at > at - WINDOW.periodMs + 40).length;
      if (recent >= WINDOW.requests) {
        run.rejected += 1;
        res.writeHead(429, { 'retry-after': String(periodMs / 1000) });
        res.end();
        return;
      }
      run.arrivals.push({ at, type: (JSON.parse(Buffer.concat(chunks).toString()) as { type: string }).type });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  const dir = tmp('printhooks-bench-sched-');
  const health = new EndpointHealth();
  health.disable('bench: queued while the target is unreachable');
  const transport = new HttpTransport({ timeoutMs: 5000 });
  const limiter = new RateLimiter([WINDOW]);
  let delivered = 0;
  const queue = new DeliveryQueue({
    outbox: new Outbox(dir),
    policy: new RetryPolicy({ schedule: DEFAULT_SCHEDULE, jitter: 0.2, overloadDelay: 60 }),
    target: () => ({ url, method: 'POST', authHeaders: {}, health, limiter, send: (r) => transport.send(r) }),
    getSigner,
    concurrency: 4,
    onDropped: (d) => { if (d.why === 'superseded') run.superseded += 1; },
    onDead: () => { run.dead += 1; },
    onDelivered: () => { delivered += 1; },
  });
  queue.start();
  let n = 0;
  for (const e of events) {
    n += 1;
    const event = { id: `evt_sched_${n}`, type: e.type, time: new Date().toISOString(), printer: { id: e.printer, name: e.printer, kind: 'test' }, job: { id: `${e.printer}-job` } };
    const msg = fifo ? { payload: JSON.stringify(event), headers: { 'content-type': 'application/json' } } : { payload: event, event, topic: e.type };
    await queue.enqueue(requestFromMsg(msg, { allowOverride: false }));
  }
  run.sendable = queue.queued;
  const released = Date.now();
  health.enable();
  while (delivered + run.dead < run.sendable) await new Promise((r) => setTimeout(r, 20));
  run.totalMs = Date.now() - released;
  for (const a of run.arrivals) a.at -= released;
  await queue.stop();
  transport.close();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return run;
}

/** Terminal arrivals (ms after the release) and how far the worst is above its floor (the k-th request: ⌊k / 5⌋ periods). */
function terminalLatency(run: FarmRun, periodMs: number): { at: number[]; overMs: number; last: number } {
  const at = run.arrivals.filter((a) => TERMINALS.includes(a.type)).map((a) => a.at);
  const overMs = Math.max(...at.map((t, k) => t - Math.floor(k / 5) * periodMs));
  return { at, overMs, last: Math.max(...at) };
}

/** The scheduling bench (docs/delivery.md, "Tests and numbers"). */
async function schedulingBench(): Promise<void> {
  const events = farmEvents();
  const run = await farmRun(events, 2000, false);
  const t = terminalLatency(run, 2000);
  const floorLast = Math.floor((t.at.length - 1) / 5) * 2000;
  console.log(`scheduling: 1,000 events of 30 printers queued, target limited to 5 requests / 2 s (receiver enforcing it):`);
  console.log(`  sent ${run.arrivals.length} requests in ${(run.totalMs / 1000).toFixed(1)} s; receiver rejected ${run.rejected} (target 0); dead letters ${run.dead} (target 0)`);
  console.log(`  dropped ${run.superseded} superseded progress / layer events (${events.length - run.sendable} not sent; nothing else dropped: ${run.superseded === events.length - run.sendable && run.dead === 0 ? 'yes' : 'NO'})`);
  console.log(`  ${t.at.length} terminal events: the last at ${(t.last / 1000).toFixed(2)} s, its floor ${(floorLast / 1000).toFixed(1)} s; worst terminal above its floor ${t.overMs} ms`
    + ` (target < 250 ms); all sent before any other event: ${run.arrivals.slice(0, t.at.length).every((a) => TERMINALS.includes(a.type)) ? 'yes' : 'NO'}`);
  // the baseline, measured: the same 1,000 as a plain FIFO, both time-scaled to 5 requests / 100 ms so the FIFO ends in ~20 s
  const fast = await farmRun(events, 100, false);
  const fifo = await farmRun(events, 100, true);
  const a = terminalLatency(fast, 100);
  const b = terminalLatency(fifo, 100);
  console.log(`  baseline, both at 5 requests / 100 ms: plain FIFO (no lanes, no coalescing) sent ${fifo.arrivals.length} in ${(fifo.totalMs / 1000).toFixed(1)} s, its last terminal event at ${(b.last / 1000).toFixed(2)} s;`
    + ` the sender ${fast.arrivals.length} in ${(fast.totalMs / 1000).toFixed(2)} s, its last terminal at ${(a.last / 1000).toFixed(2)} s: ${(b.last / a.last).toFixed(1)} x sooner (rejected ${fast.rejected} / ${fifo.rejected})`);
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'scheduling') return schedulingBench();
  const rx = await startReceiver();
  try {
    await bareAxios(rx.url, WARMUP);
    const axiosRate = await bareAxios(rx.url, N);
    await sender(rx.url, WARMUP);
    const ours = await sender(rx.url, N);
    const wide = await sender(rx.url, N, 16);
    const coreRate = await coreHttpRequest(rx.url, N);
    console.log(`signed deliveries/s (${N} x 1 KB, concurrency ${CONCURRENCY}, loopback, receiver in its own process):`);
    console.log(`  bare axios keep-alive loop      ${axiosRate.toFixed(0)} /s  (baseline)`);
    console.log(`  printhooks sender (durable)     ${ours.rate.toFixed(0)} /s  ratio ${(ours.rate / axiosRate).toFixed(2)} of axios (target >= 0.8)`);
    console.log(`  core http request node (burst)  ${coreRate.toFixed(0)} /s  sender/core ratio ${(ours.rate / coreRate).toFixed(2)} (target >= 3)`);
    console.log(`  printhooks sender, concurrency 16  ${wide.rate.toFixed(0)} /s  sender/core ratio ${(wide.rate / coreRate).toFixed(2)} (the core node runs the whole burst at once)`);
    console.log(`enqueue call: p50 ${pct(ours.enqueueUs, 50).toFixed(1)} us, p99 ${pct(ours.enqueueUs, 99).toFixed(1)} us (target p99 < 1000 us)`);
    console.log(`enqueue until durable (group commit, fsync): p50 ${pct(ours.durableMs, 50).toFixed(1)} ms, p99 ${pct(ours.durableMs, 99).toFixed(1)} ms`);
  } finally {
    rx.stop();
  }
  const dir = tmp('printhooks-bench-queue-');
  try {
    const fill = child('fill', dir);
    console.log(`100,000 queued (1 KB bodies + ~300 B events, ${fill.fileMb.toFixed(0)} MB on disk): RSS ${fill.rssMb.toFixed(0)} MB (process baseline ${fill.baselineMb.toFixed(0)} MB; target < 150 MB)`);
    const rec = child('recover', dir);
    console.log(`recover ${rec.queued} queued at start: ${(rec.ms / 1000).toFixed(2)} s (target < 3 s), RSS after ${rec.rssMb.toFixed(0)} MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await schedulingBench();
}

if (process.argv[2] === 'fill') void fillChild(process.argv[3]);
else if (process.argv[2] === 'recover') recoverChild(process.argv[3]);
else main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
