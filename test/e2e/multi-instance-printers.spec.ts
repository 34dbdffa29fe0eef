// Issue 20 point 2 and 4: a printer shared by two Node-RED processes through PostgreSQL. One instance at a
// time holds the printer's lease and connects; its job state lives in the database; when it is killed, the
// other takes over and the print's remaining events come from it, each once.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { startTestDatabase, type TestDatabase } from '../support/postgres';
import { NodeRedProcess, ensureBuilt } from './support/node-red-process';

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function printerFlow(db: TestDatabase, printerUrl: string, receiverUrl: string): object[] {
  return [
    { id: 'tab1', type: 'tab', label: 'shared printer' },
    { id: 'pg1', type: 'printhooks-postgres', host: db.host, port: db.port, database: db.database, ssl: false, schema: 'farm', version: 1 },
    { id: 'mr1', type: 'printhooks-moonraker-server', name: 'voron', url: printerUrl, offlineDelay: 30, bedCooled: 0, store: 'pg1', reconnectMs: 200 },
    { id: 'src', type: 'printhooks-moonraker', z: 'tab1', server: 'mr1', wires: [['s1']] },
    { id: 'ep', type: 'printhooks-endpoint', name: 'receiver', url: `${receiverUrl}/hook`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },
    { id: 's1', type: 'printhooks-sender', z: 'tab1', endpoint: 'ep', store: 'pg1', concurrency: 4, ordered: false, retrySchedule: '1,1,1', jitter: 0, overloadDelay: 1, version: 2, wires: [[], []] },
  ];
}

describe('e2e: a printer shared by two Node-RED instances through PostgreSQL', function () {
  this.timeout(120000);
  let db: TestDatabase;
  let rx: FakeReceiver;
  let fake: FakeMoonraker;
  const dirs: string[] = [];
  const reds: NodeRedProcess[] = [];

  before(async function () {
    this.timeout(60000);
    ensureBuilt();
    db = await startTestDatabase('printhooks-e2e-printer');
    rx = await new FakeReceiver().start();
    fake = new FakeMoonraker();
    await fake.listen();
  });
  after(async () => {
    await Promise.all(reds.map((r) => r.stop()));
    await fake?.close();
    await rx?.stop();
    await db?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function instance(label: string): Promise<NodeRedProcess> {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-printer-'));
    dirs.push(userDir);
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ pg1: { user: db.user, password: db.password } }));
    const red = new NodeRedProcess({
      userDir,
      flows: printerFlow(db, fake.url, rx.url),
      label,
      settings: { printhooks: { postgres: { leaseSeconds: 2, expireSeconds: 3, maintenanceSeconds: 1, pollMs: 100 } } },
    });
    reds.push(red);
    await red.start(60000);
    return red;
  }

  const events = () => rx.received.filter((r) => r.path === '/hook').map((r) => ({ at: r.at, ...(JSON.parse(r.body.toString()) as { id: string; type: string; job?: { id?: string } }) }));
  /** Each webhook id once (the queue may send one twice around a kill: at-least-once), by type. */
  const distinct = (type: string) => [...new Map(events().filter((e) => e.type === type).map((e) => [e.id, e])).values()];

  it('only the lease holder connects; killed mid-print, the other instance takes over and sends the print\'s end once, from the state in the database', async () => {
    const a = await instance('instance A');
    await until(() => fake.clientCount === 1, 20000, () => 'instance A to connect to the printer');
    const b = await instance('instance B');
    // B stands by: the printer has one connection, A's
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(fake.clientCount, 1, 'one instance connected at a time');
    assert.match(b.output, /Started flows/);

    fake.update({ print_stats: { filename: 'benchy.gcode', state: 'printing' }, virtual_sdcard: { progress: 0.1, is_active: true } });
    await until(() => distinct('print.started').length === 1, 20000, () => 'print.started from A');
    // give A a moment to write its job state, then kill it mid-print
    await new Promise((r) => setTimeout(r, 500));
    await a.kill();
    const killedAt = Date.now();
    // the print ends while nobody is connected: only the stored job state can tell B it was running
    fake.update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1, is_active: false } });

    await until(() => distinct('print.done').length === 1, 30000, () => `print.done from B (events: ${events().map((e) => e.type).join(', ')})`);
    await until(() => fake.clientCount === 1, 10000, () => 'B connected');
    // time for a repeated event to show up
    await new Promise((r) => setTimeout(r, 2000));
    const done = distinct('print.done');
    const started = distinct('print.started');
    assert.equal(started.length, 1, 'print.started once: B did not start the job again');
    assert.equal(done.length, 1, 'print.done once');
    assert.ok(done[0].at > killedAt, 'print.done came after the kill, from B');
    assert.equal(done[0].job?.id, started[0].job?.id, 'the same job, carried on');
    for (const type of ['print.failed', 'print.cancelled']) assert.equal(distinct(type).length, 0, `no ${type}`);
  });
});
