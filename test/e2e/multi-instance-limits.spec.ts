// Issue 20 with issue 18's scheduling: the endpoint's rate limit and a target's 429 pause held in the shared
// PostgreSQL database, so that they hold for two Node-RED instances together (docs/scale.md).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeReceiver, type Received } from '../fakes/receiver/receiver';
import { startTestDatabase, type TestDatabase } from '../support/postgres';
import { NodeRedProcess, ensureBuilt } from './support/node-red-process';

const RATE = { requests: 5, periodMs: 2000 };

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Two senders on one PostgreSQL store: `rate` to an endpoint limited to 5 requests / 2 s (custom), `slow` to
 * one limited to 1 request / 0.25 s; `POST /gen {sender, prefix, count}` emits msgs into one of them,
 * `GET /stats` answers how many each sender of this instance delivered (its output 1).
 */
function limitsFlow(db: TestDatabase, receiverUrl: string): object[] {
  const endpoint = (id: string, url: string, requests: number, period: number) => ({
    id, type: 'printhooks-endpoint', name: `endpoint ${url.slice(-5)}`, url, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false,
    rateLimit: 'custom', rateRequests: String(requests), ratePeriod: String(period), rateBurst: '', version: 1,
  });
  const sender = (id: string, ep: string) => ({
    id, type: 'printhooks-sender', z: 'tab1', endpoint: ep, store: 'pg1', concurrency: 4, ordered: false, retrySchedule: '1,1,1,1,1', jitter: 0, overloadDelay: 1, version: 2,
    wires: [[`count_${id}`], []],
  });
  const counter = (id: string) => ({ id: `count_${id}`, type: 'function', z: 'tab1', outputs: 1, libs: [], func: `flow.set("${id}", (flow.get("${id}") || 0) + 1); return null;`, wires: [] });
  return [
    { id: 'tab1', type: 'tab', label: 'shared limits' },
    endpoint('epRate', `${receiverUrl}/rate`, RATE.requests, RATE.periodMs / 1000),
    endpoint('epSlow', `${receiverUrl}/slow`, 1, 0.25),
    { id: 'pg1', type: 'printhooks-postgres', host: db.host, port: db.port, database: db.database, ssl: false, schema: 'multi_limits', version: 1 },
    sender('rate', 'epRate'),
    sender('slow', 'epSlow'),
    counter('rate'),
    counter('slow'),
    { id: 'genIn', type: 'http in', z: 'tab1', url: '/gen', method: 'post', upload: false, wires: [['gen', 'genOk']] },
    { id: 'genOk', type: 'http response', z: 'tab1', statusCode: '200', headers: {}, wires: [] },
    {
      id: 'gen', type: 'function', z: 'tab1', outputs: 2, libs: [],
      func: 'const p = msg.payload; const out = [];\nfor (let i = 0; i < p.count; i++) out.push({ topic: "print.done", payload: { id: p.prefix + i, type: "print.done", n: i } });\nreturn p.sender === "rate" ? [out, null] : [null, out];',
      wires: [['rate'], ['slow']],
    },
    { id: 'statsIn', type: 'http in', z: 'tab1', url: '/stats', method: 'get', upload: false, wires: [['stats']] },
    { id: 'stats', type: 'function', z: 'tab1', outputs: 1, libs: [], func: 'msg.payload = { rate: flow.get("rate") || 0, slow: flow.get("slow") || 0 }; return msg;', wires: [['statsOut']] },
    { id: 'statsOut', type: 'http response', z: 'tab1', statusCode: '200', headers: {}, wires: [] },
  ];
}

describe('e2e: two Node-RED instances keep one rate limit and one 429 pause through PostgreSQL', function () {
  this.timeout(120000);
  let db: TestDatabase;
  let rx: FakeReceiver;
  const dirs: string[] = [];
  let reds: NodeRedProcess[] = [];
  /** What the receiver refused for going over 5 requests / 2 s. */
  const overLimit: Received[] = [];
  let slowIndex = 0;
  let throttledAt = 0;

  before(async function () {
    this.timeout(90000);
    ensureBuilt();
    db = await startTestDatabase('printhooks-limits');
    rx = await new FakeReceiver().start();
    rx.answer((req) => {
      if (req.path === '/rate') {
        // the target's own count: at most 5 arrivals in any 2 s
        const recent = rx.received.filter((r) => r.path === '/rate' && r !== req && r.at > req.at - RATE.periodMs && !overLimit.includes(r));
        if (recent.length >= RATE.requests) {
          overLimit.push(req);
          return { status: 429, headers: { 'retry-after': '1' } };
        }
        return { status: 200 };
      }
      slowIndex += 1;
      if (slowIndex === 3) {
        throttledAt = req.at;
        return { status: 429, headers: { 'retry-after': '2' } };
      }
      return { status: 200 };
    });
    reds = await Promise.all([0, 1].map(async (i) => {
      const userDir = fs.mkdtempSync(path.join(os.tmpdir(), `printhooks-limits-${i}-`));
      dirs.push(userDir);
      fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ pg1: { user: db.user, password: db.password } }));
      const red = new NodeRedProcess({
        userDir,
        flows: limitsFlow(db, rx.url),
        label: `instance ${i + 1}`,
        settings: { printhooks: { postgres: { expireSeconds: 20, maintenanceSeconds: 1, pollMs: 100 } } },
      });
      await red.start(60000);
      return red;
    }));
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') for (const red of reds) console.log(red.output.slice(-3000));
  });
  after(async () => {
    await Promise.all(reds.map((r) => r.stop()));
    await rx?.stop();
    await db?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function generate(red: NodeRedProcess, sender: string, prefix: string, count: number): Promise<void> {
    const res = await fetch(`${red.url}/gen`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sender, prefix, count }) });
    assert.equal(res.status, 200);
  }
  async function delivered(red: NodeRedProcess): Promise<{ rate: number; slow: number }> {
    return (await (await fetch(`${red.url}/stats`)).json()) as { rate: number; slow: number };
  }
  const arrivals = (p: string) => rx.received.filter((r) => r.path === p);
  const idOf = (r: Received) => (JSON.parse(r.body.toString()) as { id: string }).id;

  it('a burst enqueued on both instances reaches a target that allows 5 requests / 2 s without one refused, both instances delivering', async () => {
    const COUNT = 16;
    await Promise.all([generate(reds[0], 'rate', 'r_a_', COUNT / 2), generate(reds[1], 'rate', 'r_b_', COUNT / 2)]);
    await until(() => new Set(arrivals('/rate').map(idOf)).size >= COUNT, 20000, () => `${COUNT} ids at /rate (have ${arrivals('/rate').length})`);
    const got = arrivals('/rate');
    assert.deepEqual(overLimit.map((r) => r.at - got[0].at), [], 'requests over the limit (ms after the first)');
    assert.equal(got.length, COUNT, 'each msg sent once');
    // paced: the 16th start comes after three full windows
    assert.ok(got[COUNT - 1].at - got[0].at >= 3 * RATE.periodMs, `16 requests spread over ${got[COUNT - 1].at - got[0].at} ms`);
    await until(async () => (await delivered(reds[0])).rate + (await delivered(reds[1])).rate >= COUNT, 5000, () => 'the delivered outputs');
    const [a, b] = await Promise.all(reds.map(delivered));
    assert.ok(a.rate > 0 && b.rate > 0, `both instances delivered (${a.rate} and ${b.rate})`);
  });

  it('a 429 with Retry-After: 2 seen by one instance pauses the other too; the throttled msg goes again after the pause', async () => {
    const COUNT = 12;
    await Promise.all([generate(reds[0], 'slow', 's_a_', COUNT / 2), generate(reds[1], 'slow', 's_b_', COUNT / 2)]);
    await until(() => arrivals('/slow').length >= COUNT + 1 && new Set(arrivals('/slow').map(idOf)).size >= COUNT, 20000, () => `${COUNT} ids at /slow (have ${arrivals('/slow').length})`);
    const got = arrivals('/slow');
    assert.ok(throttledAt > 0, 'the third request was answered 429');
    const during = got.filter((r) => r.at > throttledAt && r.at < throttledAt + 1900).map((r) => r.at - throttledAt);
    assert.deepEqual(during, [], 'requests that arrived during the 2 s pause (ms after the 429)');
    const throttledId = idOf(got.find((r) => r.at === throttledAt)!);
    assert.equal(got.filter((r) => idOf(r) === throttledId).length, 2, 'the throttled msg was sent again');
    assert.equal(got.length, COUNT + 1, 'every other msg once');
    await until(async () => (await delivered(reds[0])).slow + (await delivered(reds[1])).slow >= COUNT, 5000, () => 'the delivered outputs');
    const [a, b] = await Promise.all(reds.map(delivered));
    assert.ok(a.slow > 0 && b.slow > 0, `both instances delivered (${a.slow} and ${b.slow})`);
  });
});
