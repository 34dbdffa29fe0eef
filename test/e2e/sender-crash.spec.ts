import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { NodeRedProcess, ensureBuilt } from './support/node-red-process';
import { burstFlow } from './support/sender-flows';
import { until } from './support/until';

describe('e2e: sender survives kill -9 (Node-RED 4.1 child process)', function () {
  this.timeout(120000);
  const COUNT = 3000;
  let userDir: string;
  let rx: FakeReceiver;
  let red: NodeRedProcess | undefined;

  before(() => ensureBuilt());
  beforeEach(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-e2e-crash-'));
    rx = await new FakeReceiver().start();
  });
  afterEach(async () => {
    await red?.stop();
    await rx.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('delivers every accepted msg after a SIGKILL mid-backlog; duplicates only from the moment of the kill', async () => {
    let accepted = false;
    rx.answer((req) => {
      if (req.path !== '/accepted') return { delayMs: 3 };
      accepted = true;
      return { status: 200 };
    });
    const hooks = () => rx.received.filter((r) => r.path === '/hook');
    red = new NodeRedProcess({ userDir, flows: burstFlow(rx.url, COUNT), label: 'first run' });
    await red.start();
    await until(() => accepted && hooks().length >= 600, 60000, 'all accepted and a backlog in progress');
    await red.kill();
    const killedAt = Date.now();
    const beforeKill = hooks().length;
    assert.ok(beforeKill < COUNT, `the kill happened mid-backlog (${beforeKill} of ${COUNT} delivered)`);
    const outbox = path.join(userDir, 'printhooks', 'outbox', 's1', 'outbox.log');
    assert.ok(fs.existsSync(outbox));

    red = new NodeRedProcess({ userDir, flows: burstFlow(rx.url, COUNT, false), label: 'restart' });
    await red.start();
    const ids = () => new Set(hooks().map((r) => JSON.parse(r.body.toString()).id as string));
    await until(() => ids().size === COUNT, 60000, `all ${COUNT} ids (have ${ids().size})`);
    for (let i = 0; i < COUNT; i++) assert.ok(ids().has(`evt_${i}`), `evt_${i} delivered`);

    // duplicates: only msgs whose delivery was under way when the process died
    const seen = new Map<string, number[]>();
    for (const r of hooks()) {
      const id = JSON.parse(r.body.toString()).id as string;
      seen.set(id, [...(seen.get(id) ?? []), r.at]);
    }
    const dupes = [...seen.entries()].filter(([, at]) => at.length > 1);
    for (const [id, at] of dupes) {
      assert.equal(at.length, 2, `${id} at most twice`);
      assert.ok(killedAt - at[0] < 500, `${id} was first delivered ${killedAt - at[0]} ms before the kill`);
    }
    console.log(`      kill -9 after ${beforeKill} deliveries; ${dupes.length} duplicate(s), all in flight at the kill`);
  });
});
