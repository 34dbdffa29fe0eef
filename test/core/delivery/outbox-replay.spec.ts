import { strict as assert } from 'assert';
import { buildFrame, encodeFrame } from '../../../src/delivery/frame';
import { RECORD_DONE, RECORD_ENQUEUE, RECORD_UPDATE, encodeDone, encodeUpdate, enqueueWriter, type StoredRequest } from '../../../src/delivery/outbox-record';
import { LogReplay, OUTBOX_MAGIC, replayLog } from '../../../src/delivery/outbox-replay';

const BIG_CACHE = { entries: 100, bytes: 1 << 20 };

function req(n: number): StoredRequest {
  return { webhookId: `evt_${n}`, method: 'POST', headers: {}, payloadKind: 'json', createdAt: n, body: Buffer.from(`{"n":${n}}`) };
}

function enqueue(seq: number): Buffer {
  const body = enqueueWriter(seq, 1000 + seq, 0, req(seq));
  return buildFrame(RECORD_ENQUEUE, body.length, body.fill);
}

describe('delivery/outbox-replay', () => {
  it('returns the live entries with their last state and file offsets, and the next seq', () => {
    const records = [
      enqueue(1),
      enqueue(2),
      enqueue(7),
      encodeFrame(RECORD_UPDATE, encodeUpdate({ seq: 2, nextAt: 55, attempts: 3, dead: true, reason: 'HTTP 400' })),
      encodeFrame(RECORD_DONE, encodeDone(1)),
    ];
    const log = replayLog(Buffer.concat(records), BIG_CACHE);
    assert.deepEqual([...log.entries.keys()], [2, 7]);
    const two = log.entries.get(2)!;
    assert.equal(two.offset, OUTBOX_MAGIC.length + records[0].length);
    assert.equal(two.length, records[1].length);
    assert.deepEqual({ attempts: two.attempts, nextAt: two.nextAt, dead: two.dead, reason: two.reason }, { attempts: 3, nextAt: 55, dead: true, reason: 'HTTP 400' });
    assert.deepEqual(two.cached, req(2));
    assert.equal(log.nextSeq, 8);
    assert.equal(log.goodEnd, OUTBOX_MAGIC.length + Buffer.concat(records).length);
    assert.equal(log.damage, undefined);
    // the completed entry gave its cache slot back
    assert.equal(log.cachedCount, 2);
    assert.equal(log.cachedBytes, records[1].length + records[2].length);
  });

  it('reports a torn last record and keeps what came before it', () => {
    const whole = enqueue(1);
    const torn = enqueue(2).subarray(0, 20);
    const log = replayLog(Buffer.concat([whole, torn]), BIG_CACHE);
    assert.deepEqual([...log.entries.keys()], [1]);
    assert.deepEqual(log.damage, { offset: OUTBOX_MAGIC.length + whole.length, kind: 'torn' });
    assert.equal(log.goodEnd, OUTBOX_MAGIC.length + whole.length);
  });

  it('skips a record whose checksum fails and resynchronises on the next whole record', () => {
    const first = enqueue(1);
    const broken = Buffer.from(enqueue(2));
    broken[broken.length - 1] ^= 0xff;
    const log = replayLog(Buffer.concat([first, broken, enqueue(3), encodeFrame(RECORD_DONE, encodeDone(1))]), BIG_CACHE);
    assert.deepEqual([...log.entries.keys()], [3]);
    assert.deepEqual(log.skipped, [{ offset: OUTBOX_MAGIC.length + first.length, length: broken.length }]);
    assert.equal(log.recordsAfterDamage, 2);
    assert.equal(log.damage, undefined);
  });

  it('resynchronises across chunk boundaries, one byte at a time', () => {
    const broken = Buffer.from(enqueue(2));
    broken.writeUInt32LE(0x00ffffff, 0);
    const bytes = Buffer.concat([enqueue(1), broken, enqueue(3)]);
    const replay = new LogReplay(BIG_CACHE);
    for (let at = 0; at < bytes.length; at++) replay.push(bytes.subarray(at, at + 1));
    const log = replay.finish();
    assert.deepEqual([...log.entries.keys()], [1, 3]);
    assert.equal(log.skipped.length, 1);
  });

  it('a checksum-failing last record with nothing readable after it is a damaged tail, not a skipped run', () => {
    const broken = Buffer.from(enqueue(2));
    broken[broken.length - 1] ^= 0xff;
    const first = enqueue(1);
    const log = replayLog(Buffer.concat([first, broken]), BIG_CACHE);
    assert.deepEqual(log.skipped, []);
    assert.deepEqual(log.damage, { offset: OUTBOX_MAGIC.length + first.length, kind: 'corrupt' });
  });

  it('does not take a record-like run inside damage for a record when its seq goes backwards', () => {
    const inner = enqueue(1);
    const garbage = Buffer.concat([Buffer.from([0xde, 0xad]), inner]);
    const log = replayLog(Buffer.concat([enqueue(1), enqueue(2), garbage, enqueue(3)]), BIG_CACHE);
    assert.deepEqual([...log.entries.keys()], [1, 2, 3]);
    assert.deepEqual(log.skipped.map((r) => r.length), [garbage.length]);
  });

  it('a record with a matching checksum but a body that cannot be decoded is skipped like damage, not thrown', () => {
    const body = Buffer.alloc(24 + 5);
    body.writeDoubleLE(2, 0);
    body.writeUInt32LE(5, 20);
    body.write('{nope', 24);
    const hostile = encodeFrame(RECORD_ENQUEUE, body);
    const tooShort = encodeFrame(RECORD_DONE, Buffer.alloc(3));
    const log = replayLog(Buffer.concat([enqueue(1), hostile, tooShort, enqueue(3)]), BIG_CACHE);
    assert.deepEqual([...log.entries.keys()], [1, 3]);
    assert.deepEqual(log.skipped.map((r) => r.length), [hostile.length + tooShort.length]);
  });

  it('reads records split across chunks as if the bytes came whole', () => {
    const bytes = Buffer.concat([enqueue(1), enqueue(2), enqueue(3)]);
    const replay = new LogReplay(BIG_CACHE);
    for (let at = 0; at < bytes.length; at += 7) assert.equal(replay.push(bytes.subarray(at, at + 7)), true);
    const log = replay.finish();
    assert.deepEqual([...log.entries.keys()], [1, 2, 3]);
    assert.deepEqual(log.entries.get(3)!.cached, req(3));
    assert.equal(log.damage, undefined);
  });

  it('keeps bodies in memory only within the cache budget', () => {
    const log = replayLog(Buffer.concat([enqueue(1), enqueue(2), enqueue(3)]), { entries: 2, bytes: 1 << 20 });
    assert.deepEqual([...log.entries.values()].map((e) => e.cached !== undefined), [true, true, false]);
    assert.equal(log.cachedCount, 2);
  });
});
