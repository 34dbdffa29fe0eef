// The PostgreSQL store's endpoint health shared by instances (docs/scale.md, "Endpoint health across
// instances"): two delivery queues, each with its own pg-boss pool and its own EndpointHealth (two Node-RED
// instances), on one real PostgreSQL (test/support/postgres.ts) and one real receiver.
import { strict as assert } from 'assert';
import type { EndpointTarget } from '../../../src/delivery/delivery-queue';
import { EndpointHealth, type HealthTransition } from '../../../src/delivery/endpoint-health';
import { HttpTransport } from '../../../src/delivery/http-transport';
import { queueNamesOf } from '../../../src/delivery/postgres/job-data';
import { PostgresDeliveryQueue } from '../../../src/delivery/postgres/postgres-delivery-queue';
import { PostgresStore } from '../../../src/delivery/postgres/postgres-store';
import { requestFromMsg } from '../../../src/delivery/request-from-msg';
import { RetryPolicy } from '../../../src/delivery/retry-policy';
import { getSigner } from '../../../src/sign/signer-registry';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { startTestDatabase, type TestDatabase } from '../../support/postgres';

interface Instance {
  store: PostgresStore;
  queue: PostgresDeliveryQueue;
  health: EndpointHealth;
  transport: HttpTransport;
  transitions: HealthTransition[];
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PostgreSQL store: the circuit breaker and the automatic disable are shared by instances', function () {
  this.timeout(60000);
  let db: TestDatabase;
  let rx: FakeReceiver;
  let instances: Instance[] = [];
  let down = true;
  let gone = false;

  before(async function () {
    this.timeout(60000);
    db = await startTestDatabase('printhooks-health');
    rx = await new FakeReceiver().start();
    rx.answer(() => ({ status: gone ? 410 : down ? 503 : 200 }));
  });
  after(async () => {
    await rx?.stop();
    await db?.stop();
  });
  afterEach(async () => {
    for (const i of instances) {
      await i.queue.stop(200);
      i.transport.close();
      await i.store.stop();
    }
    instances = [];
  });

  async function start(count: number, schema: string): Promise<Instance[]> {
    for (let n = 0; n < count; n++) {
      const store = new PostgresStore({ host: db.host, port: db.port, database: db.database, ssl: false, schema, user: db.user, password: db.password }, { maintenanceSeconds: 1, poolSize: 4 });
      const boss = await store.whenReady();
      const health = new EndpointHealth({ breakerFailures: 3, probeMs: 800, disableAfterMs: 0 });
      const transport = new HttpTransport({ timeoutMs: 2000 });
      const target: EndpointTarget = { url: `${rx.url}/hook`, method: 'POST', authHeaders: {}, health, send: (req) => transport.send(req) };
      const queue = new PostgresDeliveryQueue({
        boss, schema, queues: queueNamesOf('s1'), target: () => target, getSigner, concurrency: 1, pollMs: 50, expireSeconds: 30,
        // retries come back at once: only the breaker holds them off
        policy: new RetryPolicy({ schedule: [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01], jitter: 0, overloadDelay: 0.01 }),
      });
      await queue.init();
      const transitions: HealthTransition[] = [];
      health.onChange((t) => t && transitions.push(t));
      instances.push({ store, queue, health, transport, transitions });
    }
    return instances;
  }

  const enqueue = (queue: PostgresDeliveryQueue, id: string) => queue.enqueue(requestFromMsg({ payload: { id, type: 'print.done' } }, { allowOverride: false, endpointUrl: `${rx.url}/hook` }));
  const hooks = () => rx.received.filter((r) => r.path === '/hook');

  it('failures seen by two instances together open the breaker for both; one probe at a time; a success closes it for both', async () => {
    down = true;
    gone = false;
    rx.received.length = 0;
    const [a, b] = await start(2, 'shared_breaker');
    await enqueue(a.queue, 'evt_1');
    await enqueue(b.queue, 'evt_2');
    a.queue.start();
    b.queue.start();
    await until(() => a.health.breaker === 'open' || b.health.breaker === 'open', 10000, () => `the breaker to open (${hooks().length} attempts)`);
    const openedAt = Date.now();
    const attemptsAtOpen = hooks().length;
    // three failures in a row across the two instances opened it, not three on each
    assert.ok(attemptsAtOpen <= 4, `${attemptsAtOpen} attempts before the breaker opened (3, plus at most one in flight)`);
    // the other instance learns it from the database before its next attempt
    await until(() => a.health.breaker === 'open' && b.health.breaker === 'open', 3000, () => 'both instances to see the breaker open');
    assert.deepEqual([...a.transitions, ...b.transitions].filter((t) => t === 'opened'), ['opened'], 'one instance sent the "opened" transition');
    // while open (800 ms) nothing is sent by either; then one probe, which fails and doubles the wait
    await until(() => hooks().length > attemptsAtOpen, 5000, () => 'the probe');
    const probeAt = hooks()[attemptsAtOpen].at;
    assert.ok(probeAt - openedAt >= 600, `the probe came ${probeAt - openedAt} ms after opening`);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(hooks().length, attemptsAtOpen + 1, 'one probe in the first 1.2 s after it (the other instance held off; the next waits 1.6 s)');
    // the endpoint comes back: the next probe succeeds and both instances deliver
    down = false;
    await until(() => a.health.breaker === 'closed' && b.health.breaker === 'closed' && a.queue.queued + b.queue.queued === 0, 10000, () => 'the breaker to close on both');
    const ids = hooks().filter((r) => r.at > probeAt).map((r) => (JSON.parse(r.body.toString()) as { id: string }).id);
    assert.deepEqual([...new Set(ids)].sort(), ['evt_1', 'evt_2']);
    assert.ok(a.health.view().state === 'closed' && b.health.view().state === 'closed');
  });

  it('a 410 seen by one instance disables the endpoint for the other; msg.enable on the other re-enables both', async () => {
    down = false;
    gone = true;
    rx.received.length = 0;
    const [a, b] = await start(2, 'shared_disable');
    await enqueue(a.queue, 'evt_g1');
    a.queue.start();
    b.queue.start();
    await until(() => a.health.disabled || b.health.disabled, 10000, () => 'the 410 to disable the endpoint');
    await until(() => a.health.disabled && b.health.disabled, 4000, () => 'both instances to see it disabled');
    assert.match(String(a.health.disabledReason ?? b.health.disabledReason), /410 Gone/);
    assert.equal(a.queue.nextAttemptAt, undefined, 'nothing is due while disabled');
    await enqueue(b.queue, 'evt_g2');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(hooks().length, 1, 'neither instance sent anything more');
    gone = false;
    // msg.enable arrives at the other instance: its health is enabled, which clears the shared row
    const other = a.health.disabled && a.transitions.includes('disabled') ? b : a;
    other.health.enable();
    await until(() => hooks().length >= 3, 10000, () => `both msgs delivered after enable (have ${hooks().length})`);
    await until(() => !a.health.disabled && !b.health.disabled, 4000, () => 'both instances enabled');
  });
});
