// The PostgreSQL store's scheduling shared by instances (docs/scale.md): endpoint health (breaker, disable),
// latest-wins coalescing and TTL: two delivery queues, each with its own pg-boss pool and its own EndpointHealth (two Node-RED
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
  /** Gives the queue its endpoint and starts it (until then it only enqueues: a queue sends as soon as it has a target). */
  go(): void;
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PostgreSQL store: breaker, automatic disable, coalescing and TTL hold across instances', function () {
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

  async function start(count: number, schema: string, ttlMs?: ReadonlyMap<string, number>): Promise<Instance[]> {
    for (let n = 0; n < count; n++) {
      const store = new PostgresStore({ host: db.host, port: db.port, database: db.database, ssl: false, schema, user: db.user, password: db.password }, { maintenanceSeconds: 1, poolSize: 4 });
      const boss = await store.whenReady();
      const health = new EndpointHealth({ breakerFailures: 3, probeMs: 800, disableAfterMs: 0 });
      const transport = new HttpTransport({ timeoutMs: 2000 });
      let going = false;
      const target: EndpointTarget = { url: `${rx.url}/hook`, method: 'POST', authHeaders: {}, health, send: (req) => transport.send(req) };
      const queue = new PostgresDeliveryQueue({
        boss, schema, queues: queueNamesOf('s1'), target: () => (going ? target : undefined), getSigner, concurrency: 1, pollMs: 50, expireSeconds: 30, ttlMs,
        // retries come back at once: only the breaker holds them off
        policy: new RetryPolicy({ schedule: [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01], jitter: 0, overloadDelay: 0.01 }),
      });
      await queue.init();
      const transitions: HealthTransition[] = [];
      health.onChange((t) => t && transitions.push(t));
      const go = () => {
        going = true;
        queue.start();
      };
      instances.push({ store, queue, health, transport, transitions, go });
    }
    return instances;
  }

  const enqueue = (queue: PostgresDeliveryQueue, id: string) => queue.enqueue(requestFromMsg({ payload: { id, type: 'print.done' } }, { allowOverride: false, endpointUrl: `${rx.url}/hook` }));
  const hooks = () => rx.received.filter((r) => r.path === '/hook');
  const event = (queue: PostgresDeliveryQueue, id: string, type: string, job: string, extra: Record<string, unknown> = {}) =>
    queue.enqueue(requestFromMsg({ payload: { id, type, printer: { id: 'p1', name: 'P1' }, job: { id: job }, ...extra } }, { allowOverride: false, endpointUrl: `${rx.url}/hook` }));
  const sentIds = () => hooks().map((r) => (JSON.parse(r.body.toString()) as { id: string }).id);

  it('failures seen by two instances together open the breaker for both; one probe at a time; a success closes it for both', async () => {
    down = true;
    gone = false;
    rx.received.length = 0;
    const [a, b] = await start(2, 'shared_breaker');
    await enqueue(a.queue, 'evt_1');
    await enqueue(b.queue, 'evt_2');
    a.go();
    b.go();
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
    a.go();
    b.go();
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

  it('latest wins across instances: a newer progress enqueued on one instance replaces the one queued by the other; the terminal event replaces both types of its job', async () => {
    down = false;
    gone = false;
    rx.received.length = 0;
    const [a, b] = await start(2, 'shared_coalesce');
    await event(a.queue, 'p_10', 'print.progress', 'J1', { progress: 10 });
    await event(a.queue, 'l_1', 'print.layer', 'J1');
    await event(a.queue, 'other_job', 'print.progress', 'J2', { progress: 50 });
    await new Promise((r) => setTimeout(r, 5));
    await event(b.queue, 'p_20', 'print.progress', 'J1', { progress: 20 });
    await until(() => a.queue.superseded + b.queue.superseded === 1, 3000, () => 'p_10 superseded by p_20');
    await new Promise((r) => setTimeout(r, 5));
    await event(b.queue, 'done', 'print.done', 'J1');
    await until(() => a.queue.superseded + b.queue.superseded === 3, 3000, () => `p_20 and l_1 superseded by print.done (${a.queue.superseded + b.queue.superseded})`);
    assert.deepEqual(b.queue.log.list().filter((e) => e.verdict === 'superseded').map((e) => e.webhookId).sort(), ['l_1', 'p_10', 'p_20']);
    a.go();
    b.go();
    await until(() => hooks().length >= 2, 5000, () => 'the two remaining msgs');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(sentIds().sort(), ['done', 'other_job'], 'only the terminal event of J1 and the progress of J2 were sent');
  });

  it('TTL: a progress event queued longer than its TTL is dropped unsent; a terminal event of the same age goes', async () => {
    rx.received.length = 0;
    const [a] = await start(1, 'shared_ttl', new Map([['print.progress', 200]]));
    await event(a.queue, 'old_progress', 'print.progress', 'J5', { progress: 5 });
    await event(a.queue, 'old_failed', 'print.failed', 'J6');
    await new Promise((r) => setTimeout(r, 400));
    a.go();
    await until(() => a.queue.expired === 1 && hooks().length === 1, 5000, () => `one expired, one sent (${a.queue.expired}, ${hooks().length})`);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(sentIds(), ['old_failed']);
    assert.equal(a.queue.log.list().find((e) => e.webhookId === 'old_progress')?.verdict, 'expired');
  });
});
