import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CaptureDisk } from '../../../src/snapshot/capture-disk';
import { CaptureStore } from '../../../src/snapshot/capture-store';
import { tempDir } from '../delivery/tmp-dir';

const jpeg = (n: number, size = 16): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(size - 4, n), Buffer.from([0xff, 0xd9])]);

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('snapshot capture store', () => {
  it('capture() returns before the camera answers; lookup() waits for the image in flight', async () => {
    const store = new CaptureStore();
    const camera = deferred<Buffer>();
    let asked = 0;
    store.capture('evt_a', () => {
      asked += 1;
      return camera.promise;
    });
    assert.equal(store.isPending('evt_a'), true);
    const lookup = store.lookup('evt_a', 2000);
    setTimeout(() => camera.resolve(jpeg(1)), 20);
    const found = await lookup;
    assert.equal(found.state, 'captured');
    assert.deepEqual(found.state === 'captured' && found.image.bytes, jpeg(1));
    assert.equal(asked, 1);
    store.capture('evt_a', async () => jpeg(2));
    const again = await store.lookup('evt_a', 0);
    assert.deepEqual(again.state === 'captured' && again.image.bytes, jpeg(1), 'a second capture of the same event is ignored');
    assert.equal(store.reference('evt_a')?.bytes, 16);
  });

  it('a lookup gives up after its wait; a failed or timed-out capture says why; an unknown id is none', async () => {
    const warnings: string[] = [];
    const store = new CaptureStore({ limits: { timeoutMs: 50 }, warn: (m) => warnings.push(m) });
    store.capture('evt_slow', () => new Promise(() => undefined));
    const early = await store.lookup('evt_slow', 10);
    assert.equal(early.state, 'failed');
    const late = await store.lookup('evt_slow', 500);
    assert.deepEqual(late, { state: 'failed', reason: 'the capture failed (timed out after 50 ms)' });
    store.capture('evt_err', async () => {
      throw new Error('ECONNREFUSED');
    });
    assert.equal((await store.lookup('evt_err', 500)).state, 'failed');
    assert.deepEqual(await store.lookup('evt_never', 500), { state: 'none' });
    assert.equal(warnings.length, 2);
  });

  it('runs at most `concurrency` captures at once and drops the oldest waiting one beyond the queue', async () => {
    const store = new CaptureStore({ limits: { concurrency: 2, queued: 2 } });
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const fetch = () =>
      new Promise<Buffer>((resolve) => {
        running += 1;
        peak = Math.max(peak, running);
        gates.push(() => {
          running -= 1;
          resolve(jpeg(3));
        });
      });
    for (const id of ['evt_1', 'evt_2', 'evt_3', 'evt_4', 'evt_5']) store.capture(id, fetch);
    await new Promise((r) => setImmediate(r));
    assert.equal(running, 2);
    assert.deepEqual(await store.lookup('evt_3', 0), { state: 'failed', reason: 'too many captures waiting; this one was dropped' });
    while (gates.length > 0 || running > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(peak, 2);
    for (const id of ['evt_1', 'evt_2', 'evt_4', 'evt_5']) assert.equal((await store.lookup(id, 100)).state, 'captured', id);
  });

  it('keeps memory within its count and byte limits, oldest out first, and refuses an oversized image', async () => {
    const store = new CaptureStore({ limits: { memoryCount: 3, memoryBytes: 100, imageBytes: 60 } });
    for (let i = 0; i < 5; i += 1) {
      store.capture(`evt_${i}`, async () => jpeg(i, 30));
      await store.lookup(`evt_${i}`, 100);
    }
    assert.deepEqual(store.memoryUse(), { count: 3, bytes: 90 });
    assert.equal(store.reference('evt_1'), undefined);
    assert.equal(store.reference('evt_4')?.bytes, 30);
    store.capture('evt_big', async () => Buffer.alloc(61, 1));
    assert.equal((await store.lookup('evt_big', 100)).state, 'failed');
    assert.deepEqual(store.memoryUse(), { count: 3, bytes: 90 });
  });

  it('never uses an id that is not an event id as a file name', async () => {
    const tmp = tempDir('printhooks-capture-');
    try {
      const store = new CaptureStore({ disk: new CaptureDisk({ dir: tmp.dir }) });
      store.capture('../../etc/passwd', async () => jpeg(1));
      assert.equal(store.isPending('../../etc/passwd'), false);
      assert.deepEqual(await store.lookup('../x', 0), { state: 'none' });
    } finally {
      tmp.cleanup();
    }
  });
});

describe('snapshot capture disk', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir('printhooks-capture-')));
  afterEach(() => tmp.cleanup());

  it('a new store (a restart) finds the image on disk with its capture time', async () => {
    const first = new CaptureStore({ disk: new CaptureDisk({ dir: tmp.dir }) });
    first.capture('evt_done', async () => jpeg(7));
    const captured = await first.lookup('evt_done', 1000);
    assert.equal(captured.state, 'captured');
    await new Promise((r) => setTimeout(r, 50));
    const second = new CaptureStore({ disk: new CaptureDisk({ dir: tmp.dir }) });
    const found = await second.lookup('evt_done', 0);
    assert.equal(found.state, 'captured');
    assert.deepEqual(found.state === 'captured' && found.image.bytes, jpeg(7));
    assert.equal(found.state === 'captured' && found.image.capturedAt, captured.state === 'captured' && captured.image.capturedAt);
    assert.deepEqual(fs.readdirSync(tmp.dir).filter((n) => n.includes('.tmp-')), [], 'no temporary file left');
  });

  it('prunes by total size (oldest first) and by age', async () => {
    let now = Date.parse('2026-01-10T00:00:00Z');
    const disk = new CaptureDisk({ dir: tmp.dir, maxBytes: 100, maxAgeMs: 24 * 3600 * 1000, now: () => now });
    for (let i = 0; i < 5; i += 1) {
      await disk.write({ id: `evt_${i}`, contentType: 'image/jpeg', bytes: jpeg(i, 30), capturedAt: new Date(now + i * 1000).toISOString() });
    }
    assert.deepEqual((await disk.list()).map((f) => f.id), ['evt_2', 'evt_3', 'evt_4']);
    now += 2 * 24 * 3600 * 1000;
    assert.equal(await disk.read('evt_4'), undefined, 'too old to be read');
    await disk.prune();
    assert.deepEqual(fs.readdirSync(tmp.dir), []);
  });

  it('does not read a file that is not an image it wrote (empty)', async () => {
    const disk = new CaptureDisk({ dir: tmp.dir });
    fs.writeFileSync(path.join(tmp.dir, 'evt_empty.jpg'), '');
    assert.equal(await disk.read('evt_empty'), undefined);
  });
});
