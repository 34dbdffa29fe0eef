// Issue 20: the sender's PostgreSQL store (printhooks-postgres) in a real Node-RED runtime against a real
// PostgreSQL started by the test (test/support/postgres.ts), one database for the whole file.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Webhook } from 'standardwebhooks';
import { PG_BOSS_MISSING } from '../../src/delivery/postgres/pg-boss-loader';
import { registerSigner } from '../../src/sign/signer-registry';
import { TEST_SECRET, hmacSigner } from '../core/delivery/test-signer';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { startTestDatabase, type TestDatabase } from '../support/postgres';
import { freePort } from '../e2e/support/node-red-process';
import { helper, nodeRedLine } from './helper';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
const postgresNode = require('../../nodes/printhooks-postgres/printhooks-postgres');
const nodes = [endpointNode, senderNode, postgresNode];

type Msg = Record<string, unknown> & { delivery?: Record<string, unknown> };
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };
type Answer = { status: number; body: Record<string, unknown>; text: string };

const node = (id: string) => helper.getNode(id) as unknown as TestNode;

function waitMsg(n: TestNode, timeoutMs = 8000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no msg')), timeoutMs);
    n.on('input', (msg: never) => {
      clearTimeout(timer);
      resolve(msg as Msg);
    });
  });
}

function waitStatus(n: TestNode, match: RegExp, timeoutMs = 8000): Promise<{ fill?: string; text?: string }> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const timer = setTimeout(() => reject(new Error(`no status like ${match}; saw ${seen.join(' | ')}`)), timeoutMs);
    n.on('call:status', (call: never) => {
      const status = (call as { args: [{ fill?: string; text?: string }] }).args[0];
      seen.push(String(status?.text));
      if (match.test(String(status?.text))) {
        clearTimeout(timer);
        resolve(status);
      }
    });
  });
}

/** Sends a msg and resolves with the error done() got, or undefined once it was accepted. */
function accepted(n: TestNode, msg: Record<string, unknown>): Promise<Error | undefined> {
  const raw = n as TestNode & { _complete: (msg: unknown, err?: unknown) => void };
  const original = raw._complete;
  return new Promise((resolve) => {
    raw._complete = function (this: unknown, m: unknown, err?: unknown) {
      raw._complete = original;
      resolve(err as Error | undefined);
      return original.call(this, m, err);
    };
    n.receive(msg);
  });
}

describe(`printhooks-postgres store for the sender (Node-RED ${nodeRedLine}, real PostgreSQL)`, function () {
  this.timeout(30000);
  let db: TestDatabase;
  let rx: FakeReceiver;
  let schemaN = 0;
  let pg: { query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void> };

  before(async function () {
    this.timeout(60000);
    db = await startTestDatabase('printhooks-node');
    const { Client } = require('pg') as { Client: new (o: object) => typeof pg & { connect(): Promise<void> } };
    const client = new Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    await client.connect();
    pg = client;
  });
  after(async () => {
    await pg?.end();
    await db?.stop();
  });

  beforeEach(async () => {
    rx = await new FakeReceiver().start();
    helper.settings({ printhooks: { sender: { signerWaitMs: 50, statusIntervalMs: 5 }, postgres: { pollMs: 100, maintenanceSeconds: 1 } } } as never);
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await rx.stop();
  });

  function flow(sender: Record<string, unknown> = {}, store: Record<string, unknown> = {}) {
    schemaN += 1;
    return [
      { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, method: 'POST', timeout: 2, allowOverride: false, tlsInsecure: false, version: 1 },
      { id: 'pg1', type: 'printhooks-postgres', host: db.host, port: db.port, database: db.database, ssl: false, schema: `t${schemaN}_${nodeRedLine}`, version: 1, ...store },
      { id: 's1', type: 'printhooks-sender', endpoint: 'ep', store: 'pg1', concurrency: 4, ordered: false, retrySchedule: '0.05,0.05', jitter: 0, overloadDelay: 0.05, version: 2, wires: [['ok'], ['dead']], ...sender },
      { id: 'ok', type: 'helper' },
      { id: 'dead', type: 'helper' },
    ];
  }
  const creds = () => ({ pg1: { user: db.user, password: db.password }, ep: { token: 'ep-s3cret-token' } });
  const schema = () => `t${schemaN}_${nodeRedLine}`;

  it('delivers through the shared queue, re-signed by the signer at the attempt, with no secret in the database', async () => {
    const signer = hmacSigner();
    const unregister = registerSigner('sig1', signer);
    try {
      await helper.load(nodes, flow() as never, creds() as never);
      await waitStatus(node('s1'), /idle · shared/);
      const ok = waitMsg(node('ok'));
      assert.equal(await accepted(node('s1'), { payload: { id: 'evt_pg1', type: 'print.done' }, topic: 'print.done', webhook: { id: 'evt_pg1', signer: 'sig1' } }), undefined);
      const msg = await ok;
      assert.deepEqual([msg.delivery!.status, msg.delivery!.attempts, msg.delivery!.webhook_id], [204, 1, 'evt_pg1']);
      const got = rx.received[0];
      assert.equal(got.headers.authorization, 'Bearer ep-s3cret-token');
      new Webhook(TEST_SECRET).verify(got.body.toString(), got.headers as Record<string, string>);
      assert.equal(signer.calls, 1);
      const { rows } = await pg.query(`SELECT data::text AS d FROM ${schema()}.job UNION ALL SELECT data::text FROM ${schema()}.archive`);
      assert.ok(rows.length >= 1, 'the job is in the database');
      for (const row of rows) {
        assert.equal(String(row.d).includes('ep-s3cret-token'), false, 'no endpoint token stored');
        assert.equal(String(row.d).includes('webhook-signature'), false, 'no signature stored');
      }
    } finally {
      unregister();
    }
  });

  it('the same webhook id enqueued twice is one job, delivered once', async () => {
    await helper.load(nodes, flow({ retrySchedule: '1' }) as never, creds() as never);
    await waitStatus(node('s1'), /idle · shared/);
    rx.answer(() => ({ delayMs: 200 }));
    const msg = { payload: { id: 'evt_twice', type: 'print.done' }, topic: 'print.done' };
    assert.equal(await accepted(node('s1'), msg), undefined);
    assert.equal(await accepted(node('s1'), msg), undefined);
    await rx.waitFor(1);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(rx.received.length, 1);
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM ${schema()}.job WHERE name LIKE 'printhooks-sender-s1%'`);
    assert.equal(rows[0].n, 1);
  });

  it('retries by the schedule honouring Retry-After, then a 4xx is a dead letter that the editor replays', async () => {
    await helper.load(nodes, flow({ retrySchedule: '0.2,0.2' }) as never, creds() as never);
    await waitStatus(node('s1'), /idle · shared/);
    rx.reply({ status: 503, headers: { 'retry-after': '0' } }, { status: 204 });
    const ok = waitMsg(node('ok'));
    await accepted(node('s1'), { payload: 'retry-me', webhook: { id: 'evt_retry' } });
    const delivered = await ok;
    assert.equal(delivered.delivery!.attempts, 2);
    assert.ok(rx.received[1].at - rx.received[0].at >= 180, `the retry waited the schedule's 0.2 s (${rx.received[1].at - rx.received[0].at} ms)`);

    rx.reply({ status: 400, body: 'nope' });
    const dead = waitMsg(node('dead'));
    await accepted(node('s1'), { payload: 'dead-me', webhook: { id: 'evt_dead' } });
    const gone = await dead;
    assert.match(String(gone.delivery!.reason), /permanent failure: HTTP 400/);
    await waitStatus(node('s1'), /dead 1/);
    const again = waitMsg(node('ok'));
    const answer = (await helper.request().post('/printhooks-sender/s1/retry-dead').send({})) as unknown as Answer;
    assert.equal(answer.status, 200);
    assert.equal(answer.body.retried, 1);
    const replayed = await again;
    assert.equal(replayed.delivery!.webhook_id, 'evt_dead');
  });

  it('terminal events go before queued progress events (the lanes as pg-boss priorities)', async () => {
    await helper.load(nodes, flow({ concurrency: 1 }) as never, creds() as never);
    await waitStatus(node('s1'), /idle · shared/);
    rx.answer(() => ({ delayMs: 150 }));
    const sends = [];
    for (let i = 0; i < 8; i++) sends.push(accepted(node('s1'), { topic: 'print.progress', payload: { id: `evt_p${i}`, type: 'print.progress' } }));
    sends.push(accepted(node('s1'), { topic: 'print.done', payload: { id: 'evt_done', type: 'print.done' } }));
    await Promise.all(sends);
    await rx.waitFor(9, 15000);
    const order = rx.received.map((r) => (JSON.parse(r.body.toString()) as { id: string }).id);
    assert.ok(order.indexOf('evt_done') <= 3, `print.done was sent ${order.indexOf('evt_done') + 1}th of ${order.length}: ${order.join(' ')}`);
  });

  it('a database that cannot be reached: red status with the cause, msgs refused with done(err)', async () => {
    const closed = await freePort();
    await helper.load(nodes, flow({}, { port: closed }) as never, creds() as never);
    const status = await waitStatus(node('s1'), /database unreachable/);
    assert.equal(status.fill, 'red');
    assert.match(String(status.text), /connection refused/);
    const err = await accepted(node('s1'), { payload: 'x', webhook: { id: 'evt_refused' } });
    assert.ok(err, 'done(err)');
    assert.match(err!.message, /database unreachable.*not accepted/);
  });

  it('without pg-boss installed: red status saying how to install it, msgs refused', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-no-pgboss-'));
    try {
      helper.settings({ printhooks: { sender: { statusIntervalMs: 5 }, postgres: { loadFrom: empty } } } as never);
      await helper.stopServer();
      await helper.startServer();
      await helper.load(nodes, flow() as never, creds() as never);
      const status = await waitStatus(node('s1'), /pg-boss/);
      assert.equal(status.fill, 'red');
      assert.match(PG_BOSS_MISSING, new RegExp(String(status.text).replace(/…$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      const err = await accepted(node('s1'), { payload: 'x' });
      assert.match(String(err?.message), /needs pg-boss: run npm install pg-boss/);
      const probe = (await helper.request().post('/printhooks-postgres/test').send({ host: db.host, port: db.port, database: db.database, schema: 'x', user: db.user, password: db.password })) as unknown as Answer;
      assert.equal(probe.body.ok, false);
      assert.match(String(probe.body.message), /needs pg-boss/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('Test database: version and a writable schema; a wrong password or a closed port say so, never echoing the password', async () => {
    await helper.load(nodes, [] as never);
    const base = { host: db.host, port: db.port, database: db.database, ssl: false, schema: 'probe_schema', user: db.user };
    const good = (await helper.request().post('/printhooks-postgres/test').send({ ...base, password: db.password })) as unknown as Answer;
    assert.equal(good.body.ok, true, good.text);
    assert.match(String(good.body.version), /^\d+/);
    assert.match(String(good.body.message), /schema probe_schema is writable/);
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'probe_schema'`);
    assert.equal(rows[0].n, 0, 'the probe leaves nothing behind');
    const bad = (await helper.request().post('/printhooks-postgres/test').send({ ...base, password: 'wrong-Pa55word' })) as unknown as Answer;
    assert.deepEqual([bad.body.ok, bad.body.problem], [false, 'auth']);
    assert.equal(bad.text.includes('wrong-Pa55word'), false);
    const closed = (await helper.request().post('/printhooks-postgres/test').send({ ...base, port: await freePort(), password: db.password })) as unknown as Answer;
    assert.deepEqual([closed.body.ok, closed.body.problem], [false, 'unreachable']);
    assert.match(String(closed.body.message), /connection refused/);
  });
});
