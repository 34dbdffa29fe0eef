// A sender on the PostgreSQL store (docs/scale.md) in the PrintHooks sidebar (docs/editor.md "Sidebar"):
// listed with the shared queue's counts, its attempts in the persisted delivery log, read back after a
// redeploy. Real Node-RED runtime, real PostgreSQL started by the test (test/support/postgres.ts).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { startTestDatabase, type TestDatabase } from '../support/postgres';
import { helper, nodeRedLine } from './helper';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
const postgresNode = require('../../nodes/printhooks-postgres/printhooks-postgres');
const sidebarPlugin = require('../../nodes/printhooks-sidebar/printhooks-sidebar-plugin');
const nodes = [endpointNode, senderNode, postgresNode, sidebarPlugin];

type SenderSummary = {
  id: string;
  name: string;
  store: string;
  queued: number;
  dead: number;
  nextAttemptAt?: string;
  canRetryNow: boolean;
  deadLetters: unknown[];
  endpoint: { url: string; health: { delivered: number; consecutiveFailures: number }; breaker?: { state: string } };
};
type Attempt = { webhookId: string; printer?: string; eventType?: string; status?: number; verdict: string; sender: string };

function event(type: string, printer: string, n: number): Record<string, unknown> {
  return { id: `evt_pgside_${printer}_${n}`, type, time: new Date().toISOString(), printer: { id: printer.toLowerCase(), name: printer, kind: 'moonraker' } };
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await get();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await get();
  }
  return last;
}

describe(`sidebar: a sender on the PostgreSQL store (Node-RED ${nodeRedLine}, real PostgreSQL)`, function () {
  this.timeout(30000);
  let db: TestDatabase;
  let rx: FakeReceiver;
  let dir: string;
  let schemaN = 0;

  before(async function () {
    this.timeout(60000);
    db = await startTestDatabase('printhooks-sidebar');
  });
  after(async () => {
    await db?.stop();
  });

  beforeEach(async () => {
    rx = await new FakeReceiver().start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-pg-sidebar-'));
    helper.settings({ printhooks: { sender: { logDir: path.join(dir, 'log'), signerWaitMs: 50, statusIntervalMs: 5 }, postgres: { pollMs: 100, maintenanceSeconds: 1 } } } as never);
    await helper.startServer();
    schemaN += 1;
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await rx.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const flow = () => [
    { id: 'ep', type: 'printhooks-endpoint', name: 'farm system', url: `${rx.url}/hook?key=in-the-query`, method: 'POST', timeout: 2, allowOverride: false, tlsInsecure: false, version: 1 },
    { id: 'pg1', type: 'printhooks-postgres', host: db.host, port: db.port, database: db.database, ssl: false, schema: `side${schemaN}_${nodeRedLine}`, version: 1 },
    { id: 's1', type: 'printhooks-sender', name: 'shared sender', endpoint: 'ep', store: 'pg1', concurrency: 1, ordered: false, retrySchedule: '600', jitter: 0, overloadDelay: 600, version: 2, wires: [[], []] },
  ];
  const load = () => helper.load(nodes, flow() as never, { pg1: { user: db.user, password: db.password } } as never);
  const sender = () => helper.getNode('s1') as unknown as { receive(msg: unknown): void };
  const board = async (): Promise<SenderSummary[]> => (await helper.request().get('/printhooks/sidebar').expect(200)).body.senders;
  const log = async (query: Record<string, string> = {}): Promise<Attempt[]> => (await helper.request().get('/printhooks/log').query(query).expect(200)).body.attempts;

  it('is listed with the shared queue: delivered, queued and dead counts, no endpoint query', async () => {
    rx.answer((req) => {
      const type = JSON.parse(req.body.toString('utf8')).type as string;
      return type === 'print.failed' ? { status: 400 } : type === 'print.paused' ? { status: 503 } : { status: 204 };
    });
    await load();
    // listed once its queue is set up, before any msg
    const [empty] = await until('the sender on the board', board, (s) => s.length === 1);
    assert.deepEqual([empty.id, empty.name, empty.store, empty.queued, empty.dead], ['s1', 'shared sender', 'postgres', 0, 0]);
    assert.equal(empty.endpoint.url, `${rx.url}/hook`);

    sender().receive({ payload: event('print.started', 'Voron', 1) });
    sender().receive({ payload: event('print.failed', 'Voron', 2) });
    sender().receive({ payload: event('print.paused', 'Prusa', 3) });
    await rx.waitFor(3);
    // 204 delivered; 400 dead; 503 waits 600 s for its next attempt: still queued in the database
    const [s1] = await until('the counts', board, ([s]) => s.dead === 1 && s.queued === 1 && s.endpoint.health.delivered === 1);
    assert.deepEqual(s1.deadLetters, [], 'the shared queue lists no dead letter records (the dialog replays them)');
    assert.ok(!JSON.stringify(s1).includes('in-the-query'));
  });

  it('shows when the next attempt is due and the endpoint health; Retry now (the sidebar button) sends it at once', async () => {
    let busy = true;
    rx.answer(() => (busy ? { status: 503 } : { status: 204 }));
    await load();
    await until('the sender on the board', board, (s) => s.length === 1);
    sender().receive({ payload: event('print.done', 'Voron', 1) });
    await rx.waitFor(1);
    // the 503 put the msg back for 600 s (the retry schedule); the queue learns the job's time at its next count (2 s)
    const dueIn = (s: SenderSummary): number => (s.nextAttemptAt ? Date.parse(s.nextAttemptAt) - Date.now() : NaN);
    const [waiting] = await until('the retry scheduled', board, ([s]) => s.queued === 1 && dueIn(s) > 500_000 && s.endpoint.health.consecutiveFailures === 1);
    assert.ok(dueIn(waiting) <= 601_000, `next attempt in ${dueIn(waiting)} ms`);
    assert.equal(waiting.canRetryNow, true);
    assert.equal(waiting.endpoint.breaker?.state, 'closed');

    busy = false;
    const answer = await helper.request().post('/printhooks-sender/s1/retry-now').send({}).expect(200);
    assert.equal(answer.body.queued, 1);
    await rx.waitFor(2);
    const [after] = await until('delivered', board, ([s]) => s.queued === 0 && s.endpoint.health.delivered === 1);
    assert.equal(after.nextAttemptAt, undefined);
    assert.deepEqual((await log({ sender: 's1' })).map((a) => a.status), [204, 503]);
  });

  it("keeps its attempts in the persisted delivery log, searchable and read back after a redeploy", async () => {
    rx.answer((req) => (JSON.parse(req.body.toString('utf8')).type === 'print.failed' ? { status: 422 } : { status: 200 }));
    await load();
    await until('the sender on the board', board, (s) => s.length === 1);
    sender().receive({ payload: event('print.done', 'Prusa', 1) });
    sender().receive({ payload: event('print.failed', 'Voron', 2) });
    await rx.waitFor(2);
    const attempts = await until('two attempts in the log', () => log({ sender: 's1' }), (a) => a.length === 2);
    assert.deepEqual(attempts.map((a) => [a.eventType, a.status, a.sender]).sort(), [['print.done', 200, 's1'], ['print.failed', 422, 's1']]);
    assert.deepEqual((await log({ q: 'voron' })).map((a) => a.verdict), ['permanent']);

    // a redeploy (or restart) reads it back: the attempts were made before it
    await helper.unload();
    assert.ok(fs.existsSync(path.join(dir, 'log', 's1.jsonl')), 'the log is on disk');
    await load();
    await until('the sender back on the board', board, (s) => s.length === 1);
    const again = await log({ sender: 's1' });
    assert.deepEqual(again.map((a) => a.webhookId).sort(), ['evt_pgside_Prusa_1', 'evt_pgside_Voron_2']);
    assert.equal(rx.received.length, 2, 'nothing delivered twice by the redeploy');
  });
});
