import { strict as assert } from 'assert';
import * as fs from 'fs';
import { Outbox } from '../../../src/delivery/outbox';
import type { StoredRequest } from '../../../src/delivery/outbox-record';
import { crc32, crc32Fallback } from '../../../src/delivery/crc32';
import { tempDir } from './tmp-dir';

function req(n: number, size = 64): StoredRequest {
  return {
    webhookId: `evt_${n}`,
    eventType: 'print.done',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    payloadKind: 'json',
    createdAt: 1700000000000 + n,
    body: Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(size) })),
  };
}

describe('delivery/outbox', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => { t = tempDir(); });
  afterEach(() => t.cleanup());

  it('crc32 matches the known IEEE check value, natively and in the fallback', () => {
    const data = Buffer.from('123456789');
    assert.equal(crc32(data), 0xcbf43926);
    assert.equal(crc32Fallback(data), 0xcbf43926);
  });

  it('keeps appended records across a reopen, with their bytes and metadata', async () => {
    const a = new Outbox(t.dir);
    const appended = [1, 2, 3].map((n) => a.append(req(n), 1000 + n));
    await Promise.all(appended.map((x) => x.durable));
    await a.close();
    const b = new Outbox(t.dir);
    assert.equal(b.count, 3);
    const entries = [...b.entries()];
    assert.deepEqual(entries.map((e) => e.nextAt), [1001, 1002, 1003]);
    assert.deepEqual(b.read(entries[1]), req(2));
    await b.close();
  });

  it('replays updates and completions, and new seqs continue after the old ones', async () => {
    const a = new Outbox(t.dir);
    const e1 = a.append(req(1), 0).entry;
    const e2 = a.append(req(2), 0).entry;
    const e3 = a.append(req(3), 0).entry;
    e2.attempts = 3;
    e2.nextAt = 99;
    e2.reason = 'HTTP 503';
    void a.update(e2);
    e3.dead = true;
    e3.reason = 'permanent failure: HTTP 400';
    void a.update(e3);
    await a.complete(e1);
    await a.close();
    const b = new Outbox(t.dir);
    const [r2, r3] = [...b.entries()];
    assert.equal(b.count, 2);
    assert.deepEqual([r2.seq, r2.attempts, r2.nextAt, r2.dead, r2.reason], [e2.seq, 3, 99, false, 'HTTP 503']);
    assert.deepEqual([r3.dead, r3.reason], [true, 'permanent failure: HTTP 400']);
    assert.equal(b.recovery.dead, 1);
    const e4 = b.append(req(4), 0).entry;
    assert.ok(e4.seq > e3.seq);
    await b.close();
  });

  it('a torn last record (cut mid-write) is dropped and everything before it is kept', async () => {
    const a = new Outbox(t.dir);
    for (let n = 1; n <= 10; n++) a.append(req(n), 0);
    await a.sync();
    await a.close();
    const full = fs.statSync(a.file).size;
    for (const cut of [1, 7, 30]) {
      fs.truncateSync(a.file, full - cut);
      const b = new Outbox(t.dir);
      assert.equal(b.count, 9, `cut ${cut}`);
      assert.ok(b.recovery.tornBytes > 0);
      assert.deepEqual(b.read([...b.entries()][8]), req(9));
      // the torn tail is gone from the file, so new appends land on a clean boundary
      b.append(req(11), 0);
      await b.close();
      const c = new Outbox(t.dir);
      assert.deepEqual([...c.entries()].map((e) => c.read(e).webhookId).slice(-2), ['evt_9', 'evt_11']);
      await c.close();
      // rebuild for the next cut
      fs.rmSync(a.file);
      const d = new Outbox(t.dir);
      for (let n = 1; n <= 10; n++) d.append(req(n), 0);
      await d.close();
    }
  });

  it('a last record with garbage bytes (checksum fails) is dropped', async () => {
    const a = new Outbox(t.dir);
    for (let n = 1; n <= 5; n++) a.append(req(n), 0);
    await a.close();
    const size = fs.statSync(a.file).size;
    const fd = fs.openSync(a.file, 'r+');
    fs.writeSync(fd, Buffer.from('zzzz'), 0, 4, size - 10);
    fs.closeSync(fd);
    const b = new Outbox(t.dir);
    assert.equal(b.count, 4);
    await b.close();
  });

  it('moves aside a file that is not an outbox and starts empty', async () => {
    fs.writeFileSync(`${t.dir}/outbox.log`, 'not an outbox at all');
    const b = new Outbox(t.dir);
    assert.equal(b.count, 0);
    assert.ok(b.recovery.movedAside && fs.existsSync(b.recovery.movedAside));
    await b.close();
  });

  it('keeps only `cacheEntries` bodies in memory and reads the rest back from disk', async () => {
    const a = new Outbox(t.dir, { cacheEntries: 5 });
    for (let n = 1; n <= 50; n++) a.append(req(n), 0);
    await a.sync();
    const entries = [...a.entries()];
    assert.equal(entries.filter((e) => e.cached).length, 5);
    assert.deepEqual(a.read(entries[40]), req(41));
    await a.close();
    const b = new Outbox(t.dir, { cacheEntries: 5 });
    assert.equal([...b.entries()].filter((e) => e.cached).length, 5);
    assert.deepEqual(b.read([...b.entries()][49]), req(50));
    await b.close();
  });

  it('compacts when most of the file is done records, keeping live entries and their state', async () => {
    const a = new Outbox(t.dir, { compactMinBytes: 4096, cacheEntries: 0 });
    const entries = [];
    for (let n = 1; n <= 200; n++) entries.push(a.append(req(n, 200), 0).entry);
    await a.sync();
    const before = a.fileBytes;
    for (const e of entries.slice(0, 190)) void a.complete(e);
    entries[195].attempts = 2;
    entries[195].dead = true;
    entries[195].reason = 'gave up';
    void a.update(entries[195]);
    await a.sync();
    await a.sync();
    assert.ok(a.fileBytes < before / 5, `compacted ${a.fileBytes} < ${before}`);
    assert.deepEqual(a.read(entries[199]), req(200, 200));
    await a.close();
    const b = new Outbox(t.dir);
    assert.equal(b.count, 10);
    const e196 = b.get(entries[195].seq)!;
    assert.deepEqual([e196.attempts, e196.dead, e196.reason], [2, true, 'gave up']);
    await b.close();
  });

  it('group commit: a burst of appends shares few fsyncs and all resolve durable', async () => {
    const a = new Outbox(t.dir, { commitGapMs: 20 });
    const started = Date.now();
    const all = [];
    for (let n = 0; n < 5000; n++) all.push(a.append(req(n), 0).durable);
    await Promise.all(all);
    assert.ok(Date.now() - started < 2000);
    await a.close();
    assert.equal(new Outbox(t.dir).count, 5000);
  });

  it('fsyncs for enqueues and explicit syncs, not for every update or completion', async () => {
    const fs2 = require('fs') as typeof fs & { fdatasync: typeof fs.fdatasync };
    const original = fs2.fdatasync;
    let calls = 0;
    fs2.fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      calls += 1;
      return original(fd, cb);
    }) as typeof fs.fdatasync;
    try {
      const a = new Outbox(t.dir, { commitGapMs: 0 });
      const { entry, durable } = a.append(req(1), 0);
      await durable;
      assert.equal(calls, 1);
      entry.attempts = 1;
      await a.update(entry);
      await a.complete(entry);
      assert.equal(calls, 1, 'updates and completions are written without their own fsync');
      await a.close();
      assert.equal(calls, 2, 'close syncs');
      assert.equal(new Outbox(t.dir).count, 0, 'the completion was written');
    } finally {
      fs2.fdatasync = original;
    }
  });

  it('rejects appends after close', async () => {
    const a = new Outbox(t.dir);
    await a.close();
    assert.throws(() => a.append(req(1), 0), /closed/);
  });
});
