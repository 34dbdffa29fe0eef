import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { helper } from './helper';
import { FakeReceiver } from '../fakes/receiver/receiver';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
const sidebarPlugin = require('../../nodes/printhooks-sidebar/printhooks-sidebar-plugin');
// the plugin's runtime part is a function of RED like a node module: the helper loads it the same way
const nodes = [endpointNode, senderNode, sidebarPlugin];

const TOKEN = 'sidebar-bearer-token-0123456789';

type Attempt = { webhookId: string; printer?: string; eventType?: string; status?: number; verdict: string; response?: string; sender: string };

function event(type: string, printer: string, n: number): Record<string, unknown> {
  return { id: `evt_${printer}_${n}`, type, time: new Date().toISOString(), printer: { id: printer.toLowerCase(), name: printer, kind: 'moonraker' } };
}

describe('PrintHooks sidebar admin routes (real runtime)', () => {
  let rx: FakeReceiver;
  let dir: string;

  const flow = () => [
    { id: 'ep', type: 'printhooks-endpoint', name: 'receiver', url: `${rx.url}/hook?key=in-the-query`, method: 'POST', timeout: 2, allowOverride: false, tlsInsecure: false, version: 1 },
    { id: 's1', type: 'printhooks-sender', name: 'to receiver', endpoint: 'ep', concurrency: 1, ordered: true, retrySchedule: '600', jitter: 0, overloadDelay: 600, version: 1, wires: [[], []] },
  ];
  const load = () => helper.load(nodes, flow() as never, { ep: { token: TOKEN } } as never);
  const sender = () => helper.getNode('s1') as unknown as { receive(msg: unknown): void };

  beforeEach(async () => {
    rx = await new FakeReceiver().start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-sidebar-'));
    helper.settings({ printhooks: { sender: { outboxDir: path.join(dir, 'outbox'), logDir: path.join(dir, 'log'), statusIntervalMs: 5 } } } as never);
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await rx.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the sender with its endpoint (no query, no token), and finds attempts by printer, status and text; bodies scrubbed', async () => {
    rx.answer((req) => {
      const type = JSON.parse(req.body.toString('utf8')).type as string;
      // a receiver that echoes the token it was sent: the log must not keep it
      if (type === 'print.failed') return { status: 422, body: `rejected, you sent Bearer ${TOKEN}` };
      return { status: 200, body: `ok ${type}` };
    });
    await load();
    sender().receive({ payload: event('print.started', 'Voron', 1) });
    sender().receive({ payload: event('print.done', 'Prusa', 2) });
    sender().receive({ payload: event('print.failed', 'Voron', 3) });
    await rx.waitFor(3);
    await new Promise((r) => setTimeout(r, 50));

    const board = await helper.request().get('/printhooks/sidebar').expect(200);
    const [s1] = board.body.senders;
    assert.equal(s1.name, 'to receiver');
    assert.equal(s1.endpoint.url, `${rx.url}/hook`);
    assert.equal(s1.dead, 1);
    assert.equal(s1.deadLetters[0].printer, 'Voron');
    assert.equal(s1.deadLetters[0].eventType, 'print.failed');
    assert.deepEqual(board.body.printers, []);

    const voron = (await helper.request().get('/printhooks/log').query({ q: 'voron' }).expect(200)).body.attempts as Attempt[];
    assert.deepEqual(voron.map((a) => a.eventType), ['print.failed', 'print.started']);
    const refused = (await helper.request().get('/printhooks/log').query({ q: '422', sender: 's1' }).expect(200)).body.attempts as Attempt[];
    assert.equal(refused.length, 1);
    assert.equal(refused[0].verdict, 'permanent');
    assert.match(refused[0].response!, /^rejected, you sent Bearer /);
    const done = (await helper.request().get('/printhooks/log').query({ q: 'ok print.done' }).expect(200)).body.attempts as Attempt[];
    assert.deepEqual(done.map((a) => a.printer), ['Prusa']);
    const everything = JSON.stringify([board.body, (await helper.request().get('/printhooks/log').expect(200)).body]);
    assert.ok(!everything.includes(TOKEN), 'the token is in no answer');
    assert.ok(!everything.includes('in-the-query'), "the endpoint's query is in no answer");
  });

  it("shows a dead letter replayed and a queued msg retried now (the sender's routes) leave the queue", async () => {
    let mode = 'refuse';
    rx.answer(() => (mode === 'refuse' ? { status: 400 } : mode === 'busy' ? { status: 503 } : { status: 204 }));
    await load();
    sender().receive({ payload: event('print.failed', 'Voron', 1) });
    await rx.waitFor(1);
    await new Promise((r) => setTimeout(r, 50));
    mode = 'busy';
    // the buttons use the sender's own routes
    const replay = await helper.request().post('/printhooks-sender/s1/retry-dead').expect(200);
    assert.equal(replay.body.retried, 1);
    await rx.waitFor(2);
    await new Promise((r) => setTimeout(r, 50));
    const waiting = (await helper.request().get('/printhooks/sidebar').expect(200)).body.senders[0];
    assert.equal(waiting.queued, 1);
    assert.ok(Date.parse(waiting.nextAttemptAt) - Date.now() > 500_000, `next attempt ${waiting.nextAttemptAt}`);
    mode = 'ok';
    const retried = await helper.request().post('/printhooks-sender/s1/retry-now').expect(200);
    assert.equal(retried.body.queued, 1);
    await rx.waitFor(3, 3000);
    await new Promise((r) => setTimeout(r, 50));
    const after = (await helper.request().get('/printhooks/sidebar').expect(200)).body.senders[0];
    assert.deepEqual([after.queued, after.dead, after.nextAttemptAt], [0, 0, undefined]);
    const missing = await helper.request().get('/printhooks/log').query({ sender: 'nope' }).expect(200);
    assert.deepEqual(missing.body, { attempts: [] });
  });

  it('keeps the log across a redeploy: the new sender reads it back from its file', async () => {
    await load();
    sender().receive({ payload: event('print.started', 'Voron', 1) });
    sender().receive({ payload: event('print.done', 'Voron', 2) });
    await rx.waitFor(2);
    await new Promise((r) => setTimeout(r, 50));
    await helper.unload();
    assert.ok(fs.existsSync(path.join(dir, 'log', 's1.jsonl')), 'the log is on disk');
    await load();
    const attempts = (await helper.request().get('/printhooks/log').query({ sender: 's1' }).expect(200)).body.attempts as Attempt[];
    assert.deepEqual(attempts.map((a) => a.eventType), ['print.done', 'print.started']);
  });
});
