import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DeliveryQueue } from '../../../src/delivery/delivery-queue';
import { EndpointHealth } from '../../../src/delivery/endpoint-health';
import { HttpTransport } from '../../../src/delivery/http-transport';
import { Outbox } from '../../../src/delivery/outbox';
import type { StoredRequest } from '../../../src/delivery/outbox-record';
import { RetryPolicy } from '../../../src/delivery/retry-policy';
import { getSigner } from '../../../src/sign/signer-registry';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { FaultyDisk } from './faulty-disk';
import { until } from './queue-harness';
import { tempDir } from './tmp-dir';

function req(id: string): StoredRequest {
  return { webhookId: id, method: 'POST', headers: {}, payloadKind: 'string', createdAt: 1, body: Buffer.from(id) };
}

describe('delivery/queue on a failing disk', () => {
  let t: ReturnType<typeof tempDir>;
  let rx: FakeReceiver;
  let transport: HttpTransport;
  beforeEach(async () => {
    t = tempDir();
    rx = await new FakeReceiver().start();
    transport = new HttpTransport({ timeoutMs: 2000 });
  });
  afterEach(async () => {
    transport.close();
    await rx.stop();
    t.cleanup();
  });

  function makeQueue(outbox: Outbox, delivered: string[]): DeliveryQueue {
    const health = new EndpointHealth();
    const queue = new DeliveryQueue({
      outbox,
      getSigner,
      policy: new RetryPolicy({ schedule: [0.03, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03], jitter: 0, overloadDelay: 0.03 }),
      target: () => ({ url: `${rx.url}/hook`, method: 'POST', authHeaders: {}, health, send: (r) => transport.send(r) }),
      onDelivered: (build) => delivered.push(String(build().payload)),
    });
    queue.start();
    return queue;
  }

  it('a full disk stalls nothing already accepted, and a refused msg is never delivered, also after a restart', async function () {
    this.timeout(15000);
    const dir = path.join(t.dir, 'box');
    const disk = new FaultyDisk();
    const outbox = new Outbox(dir, { io: disk, commitGapMs: 1, faultRetryMs: 20 });
    const delivered: string[] = [];
    // the target fails at first, so every accepted msg needs UPDATE records while the disk is full
    let failing = true;
    rx.answer(() => (failing ? { status: 503 } : { status: 204 }));
    const queue = makeQueue(outbox, delivered);
    const accepted = Array.from({ length: 20 }, (_, n) => `acc_${n}`);
    await Promise.all(accepted.map((id) => queue.enqueue(req(id))));
    await rx.waitFor(20);
    disk.capacity = 0;
    const refused: string[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, n) => `ref_${n}`).map((id) => queue.enqueue(req(id)).catch(() => refused.push(id))));
    assert.equal(refused.length, 20, 'every msg offered on the full disk is refused');
    assert.equal(outbox.diskProblem?.summary, 'disk full');
    failing = false;
    // still full: deliveries go on, their DONE records wait
    await until(() => delivered.length === 20, 8000, 'accepted msgs delivered while the disk is full');
    assert.equal(outbox.diskProblem?.summary, 'disk full');
    disk.capacity = Infinity;
    await queue.enqueue(req('after'));
    await until(() => delivered.length === 21 && outbox.count === 0, 5000, 'the DONE records landed');
    await queue.stop();
    const got = rx.received.map((r) => r.body.toString());
    assert.deepEqual([...new Set(delivered)].sort(), [...accepted, 'after'].sort());
    assert.deepEqual(got.filter((id) => id.startsWith('ref_')), []);
    const again = new Outbox(dir);
    assert.equal(again.count, 0, 'nothing delivered comes back after a restart');
    await again.close();
  });

  it('a record that cannot be read back is tried again, not forgotten', async () => {
    const dir = path.join(t.dir, 'box');
    const outbox = new Outbox(dir, { commitGapMs: 1, cacheEntries: 0 });
    const delivered: string[] = [];
    const errors: string[] = [];
    const realRead = outbox.read.bind(outbox);
    let failReads = 3;
    outbox.read = (entry) => {
      if (failReads-- > 0) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      return realRead(entry);
    };
    const queue = new DeliveryQueue({
      outbox,
      getSigner,
      readRetryMs: 20,
      policy: new RetryPolicy({ schedule: [0.03], jitter: 0, overloadDelay: 0.03 }),
      target: () => ({ url: `${rx.url}/hook`, method: 'POST', authHeaders: {}, health: new EndpointHealth(), send: (r) => transport.send(r) }),
      onDelivered: (build) => delivered.push(String(build().payload)),
      onError: (e) => errors.push(e.message),
    });
    queue.start();
    await queue.enqueue(req('once'));
    await until(() => delivered.length === 1, 3000, 'delivered after the read errors');
    assert.deepEqual(errors, ['EIO: i/o error, read'], 'reported once');
    await queue.stop();
  });

  it('a record damaged on disk after the start is set aside and dropped, and does not block a strict order', async () => {
    const dir = path.join(t.dir, 'box');
    const outbox = new Outbox(dir, { commitGapMs: 1, cacheEntries: 0 });
    const delivered: string[] = [];
    const errors: string[] = [];
    let paused = true;
    const health = new EndpointHealth();
    const queue = new DeliveryQueue({
      outbox,
      getSigner,
      ordered: true,
      policy: new RetryPolicy({ schedule: [0.03], jitter: 0, overloadDelay: 0.03 }),
      target: () => (paused ? undefined : { url: `${rx.url}/hook`, method: 'POST', authHeaders: {}, health, send: (r) => transport.send(r) }),
      onDelivered: (build) => delivered.push(String(build().payload)),
      onError: (e) => errors.push(e.message),
    });
    queue.start();
    for (const id of ['first', 'second', 'third']) await queue.enqueue(req(id));
    const first = [...outbox.entries()][0];
    const fd = fs.openSync(outbox.file, 'r+');
    fs.writeSync(fd, Buffer.from('XX'), 0, 2, first.offset + first.length - 2);
    fs.closeSync(fd);
    paused = false;
    queue.retryDead(); // any call that pumps
    await until(() => delivered.length === 2, 3000, 'the others delivered');
    assert.deepEqual(delivered, ['second', 'third']);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /outbox record 1 is damaged at offset \d+: .*its msg cannot be sent and its bytes were set aside in .*outbox\.log\.quarantine-\d+/);
    const aside = errors[0].split(' set aside in ')[1];
    assert.equal(fs.readFileSync(aside).length, first.length);
    await queue.stop();
  });
});
