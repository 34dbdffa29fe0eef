// The sender on the PostgreSQL store with the shared endpoint health (docs/scale.md, "Circuit breaker and
// automatic disable across instances"): its health output, msg.enable and the retry-now admin route, in a
// real Node-RED runtime against a real PostgreSQL (test/support/postgres.ts).
import { strict as assert } from 'assert';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { startTestDatabase, type TestDatabase } from '../support/postgres';
import { helper, nodeRedLine } from './helper';

const nodes = [
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
  require('../../nodes/printhooks-postgres/printhooks-postgres'),
];

type Msg = { topic?: string; payload?: Record<string, unknown>; delivery?: Record<string, unknown> };
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };
const node = (id: string) => helper.getNode(id) as unknown as TestNode;

function collect(n: TestNode): Msg[] {
  const got: Msg[] = [];
  n.on('input', (msg: never) => got.push(msg as Msg));
  return got;
}

function statuses(n: TestNode): string[] {
  const seen: string[] = [];
  n.on('call:status', (call: never) => seen.push(String((call as { args: [{ text?: string }] }).args[0]?.text)));
  return seen;
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`printhooks-sender on the PostgreSQL store: shared endpoint health (Node-RED ${nodeRedLine}, real PostgreSQL)`, function () {
  this.timeout(30000);
  let db: TestDatabase;
  let rx: FakeReceiver;

  before(async function () {
    this.timeout(60000);
    db = await startTestDatabase('printhooks-node-health');
    rx = await new FakeReceiver().start();
    helper.settings({ printhooks: { sender: { signerWaitMs: 50, statusIntervalMs: 5 }, postgres: { pollMs: 50, maintenanceSeconds: 1 } } } as never);
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await rx?.stop();
    await db?.stop();
  });

  it('a 410 disables the endpoint in the database: red status and endpoint.disabled on the health output; msg.enable re-enables it and the kept msg is delivered; retry now answers', async () => {
    let gone = true;
    rx.answer(() => ({ status: gone ? 410 : 200 }));
    await helper.load(nodes, [
      { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, method: 'POST', timeout: 2, allowOverride: false, tlsInsecure: false, version: 1 },
      { id: 'pg1', type: 'printhooks-postgres', host: db.host, port: db.port, database: db.database, ssl: false, schema: `health_${nodeRedLine}`, version: 1 },
      { id: 's1', type: 'printhooks-sender', endpoint: 'ep', store: 'pg1', concurrency: 2, ordered: false, retrySchedule: '0.05,0.05', jitter: 0, overloadDelay: 0.05, version: 2, wires: [['ok'], ['dead'], ['health']] },
      { id: 'ok', type: 'helper' },
      { id: 'dead', type: 'helper' },
      { id: 'health', type: 'helper' },
    ] as never, { pg1: { user: db.user, password: db.password } } as never);
    const row = async () => {
      const { Client } = require('pg') as { Client: new (o: object) => { connect(): Promise<void>; query(t: string): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void> } };
      const client = new Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
      await client.connect();
      try {
        return (await client.query(`SELECT reason, disabled_since FROM health_${nodeRedLine}.printhooks_endpoint_health`)).rows[0];
      } finally {
        await client.end();
      }
    };
    const seen = statuses(node('s1'));
    const ok = collect(node('ok'));
    const health = collect(node('health'));
    await until(() => seen.some((t) => /idle/.test(t)), 15000, () => `the queue (${seen.join(' | ')})`);
    node('s1').receive({ payload: { id: 'evt_gone', type: 'print.done' }, topic: 'print.done' });
    await until(() => health.some((m) => m.topic === 'endpoint.disabled'), 8000, () => 'endpoint.disabled');
    const disabled = health.find((m) => m.topic === 'endpoint.disabled')!;
    assert.equal(disabled.payload?.state, 'disabled');
    assert.match(String(disabled.payload?.reason), /410 Gone/);
    await until(() => seen.some((t) => /disabled \(410\)/.test(t)), 3000, () => `the red status (${seen.slice(-3).join(' | ')})`);
    // the state is the database's: the row every instance reads
    assert.match(String((await row())?.reason), /410 Gone/);
    const retry = await helper.request().post('/printhooks-sender/s1/retry-now').expect(200);
    assert.equal(typeof retry.body.queued, 'number');
    assert.equal(rx.received.length, 1, 'nothing more is sent while disabled');
    gone = false;
    node('s1').receive({ enable: true });
    await until(() => health.some((m) => m.topic === 'endpoint.enabled'), 5000, () => 'endpoint.enabled');
    await until(() => ok.length === 1, 8000, () => 'the kept msg delivered');
    assert.deepEqual([ok[0].delivery?.webhook_id, ok[0].delivery?.status], ['evt_gone', 200]);
    assert.equal((await row())?.disabled_since, null, 'enabled in the database too');
  });
});
