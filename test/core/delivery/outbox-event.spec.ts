import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { encodeFrame } from '../../../src/delivery/frame';
import { Outbox } from '../../../src/delivery/outbox';
import { RECORD_ENQUEUE } from '../../../src/delivery/outbox-record';
import { EVENT_JSON_LIMIT, eventJsonOf, msgFromRequest, requestFromMsg } from '../../../src/delivery/request-from-msg';
import { tempDir } from './tmp-dir';

const event = {
  id: 'evt_job1_done',
  type: 'print.done',
  time: '2026-11-23T20:00:00.000Z',
  printer: { id: 'mk4', name: 'MK4', kind: 'octoprint' },
  job: { id: 'job1', file: 'benchy.gcode', progress: 100 },
  raw: { frame: 'x'.repeat(1000) },
};
const { raw: _raw, ...eventWithoutRaw } = event;

/** An ENQUEUE record as written before records had an `event` field (metadata JSON without it). */
function oldEnqueueRecord(seq: number): Buffer {
  const meta = Buffer.from(JSON.stringify({ webhookId: 'evt_old', eventType: 'print.done', method: 'POST', headers: { 'content-type': 'application/json' }, topic: 'print.done', payloadKind: 'json', createdAt: 1700000000000 }));
  const body = Buffer.from('{"old":true}');
  const out = Buffer.alloc(24 + meta.length + body.length);
  out.writeDoubleLE(seq, 0);
  out.writeDoubleLE(0, 8);
  out.writeUInt32LE(0, 16);
  out.writeUInt32LE(meta.length, 20);
  meta.copy(out, 24);
  body.copy(out, 24 + meta.length);
  return encodeFrame(RECORD_ENQUEUE, out);
}

describe('delivery/outbox: the msg event in the record', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => { t = tempDir(); });
  afterEach(() => t.cleanup());

  it('stores msg.event without raw, survives a reopen and compaction, and the output msg gets it back', async () => {
    const stored = requestFromMsg({ payload: 'rendered text', event, topic: 'print.done', secret: 'not-stored' } as never, { allowOverride: false });
    assert.deepEqual(JSON.parse(stored.event!), eventWithoutRaw);
    const a = new Outbox(t.dir, { cacheEntries: 0 });
    const done = a.append(requestFromMsg({ payload: 'other' }, { allowOverride: false }), 0);
    const kept = a.append(stored, 0);
    await Promise.all([done.durable, kept.durable]);
    await a.complete(done.entry);
    await a.close();
    const file = fs.readFileSync(path.join(t.dir, 'outbox.log'));
    assert.equal(file.includes(Buffer.from('not-stored')), false);
    assert.equal(file.includes(Buffer.from('xxxxxxxxxx')), false, 'raw is not stored');

    const b = new Outbox(t.dir, { cacheEntries: 0, compactMinBytes: 0 });
    const [entry] = [...b.entries()];
    assert.equal(entry.cached, undefined, 'read back from disk');
    const msg = msgFromRequest(b.read(entry));
    assert.deepEqual(msg.event, eventWithoutRaw);
    assert.equal(msg.topic, 'print.done');
    assert.equal(msg.payload, 'rendered text');
    await b.close();
  });

  it('an old record without the field recovers as a msg without an event', async () => {
    fs.writeFileSync(path.join(t.dir, 'outbox.log'), Buffer.concat([Buffer.from('PHOUTBX1', 'ascii'), oldEnqueueRecord(1)]));
    const b = new Outbox(t.dir);
    assert.equal(b.count, 1);
    const req = b.read([...b.entries()][0]);
    assert.equal(req.event, undefined);
    const msg = msgFromRequest(req);
    assert.equal('event' in msg, false);
    assert.deepEqual(msg.payload, { old: true });
    assert.equal(msg.topic, 'print.done');
    // new records appended after the old one carry their event
    await b.append(requestFromMsg({ payload: event }, { allowOverride: false }), 0).durable;
    await b.close();
    const c = new Outbox(t.dir);
    const [old, fresh] = [...c.entries()].map((e) => msgFromRequest(c.read(e)));
    assert.equal(old.event, undefined);
    assert.deepEqual(fresh.event, eventWithoutRaw);
    await c.close();
  });

  it('takes msg.event first, else an event-shaped payload; anything else is no event', () => {
    const other = { ...eventWithoutRaw, id: 'evt_other' };
    assert.equal(JSON.parse(eventJsonOf({ event: other, payload: event })!).id, 'evt_other');
    assert.deepEqual(JSON.parse(eventJsonOf({ payload: event })!), eventWithoutRaw);
    assert.equal(eventJsonOf({ payload: { type: 'print.done' } }), undefined, 'no printer: not an event');
    assert.equal(eventJsonOf({ event: 'print.done', payload: 'x' }), undefined);
    assert.equal(eventJsonOf({ payload: Buffer.from('{}') }), undefined);
    const circular: Record<string, unknown> = { ...eventWithoutRaw };
    circular.self = circular;
    assert.equal(JSON.parse(eventJsonOf({ event: circular })!).self, undefined, 'an unserialisable extra field falls back to the core fields');
    const printer: Record<string, unknown> = { id: 'p' };
    printer.self = printer;
    assert.equal(requestFromMsg({ payload: 'x', event: { ...eventWithoutRaw, printer } }, { allowOverride: false }).event, undefined, 'unserialisable core: no event, the msg is still accepted');
  });

  it('caps the stored event: an oversized one keeps only id, type, time, printer and job', () => {
    const big = { ...eventWithoutRaw, error: { message: 'e'.repeat(EVENT_JSON_LIMIT) } };
    const text = eventJsonOf({ event: big })!;
    assert.ok(Buffer.byteLength(text) <= EVENT_JSON_LIMIT);
    assert.deepEqual(JSON.parse(text), { id: event.id, type: event.type, time: event.time, printer: event.printer, job: event.job });
    const huge = { ...eventWithoutRaw, job: { id: 'j', file: 'f'.repeat(EVENT_JSON_LIMIT) } };
    assert.equal(eventJsonOf({ event: huge }), undefined);
  });
});
