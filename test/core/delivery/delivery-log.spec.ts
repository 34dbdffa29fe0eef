import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DeliveryLog, printerNameOf, RESPONSE_TEXT_LIMIT, type AttemptLogEntry } from '../../../src/delivery/delivery-log';
import { DeliveryLogStore } from '../../../src/delivery/delivery-log-store';
import { tempDir } from './tmp-dir';

function attempt(n: number, extra: Partial<AttemptLogEntry> = {}): AttemptLogEntry {
  return { time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), webhookId: `msg_${n}`, attempt: 1, durationMs: 3, verdict: 'delivered', status: 200, ...extra };
}

describe('delivery/delivery-log: search and bounds', () => {
  const log = new DeliveryLog(10);
  log.add(attempt(1, { printer: 'Voron 2.4', eventType: 'print.done', response: '{"ok":true}' }));
  log.add(attempt(2, { printer: 'Bambu X1C', eventType: 'print.failed', status: 500, verdict: 'retry', response: 'upstream exploded' }));
  log.add(attempt(3, { printer: 'Voron 2.4', eventType: 'print.started', status: 404, verdict: 'permanent' }));
  log.add(attempt(4, { eventType: 'test', status: undefined, verdict: 'retry', error: 'connection refused (ECONNREFUSED)' }));

  it('finds by printer, event type prefix, status code, status class, verdict, webhook id and free text, newest first', () => {
    const ids = (q: Parameters<DeliveryLog['search']>[0]) => log.search(q).map((e) => e.webhookId);
    assert.deepEqual(ids({ printer: 'voron' }), ['msg_3', 'msg_1']);
    assert.deepEqual(ids({ eventType: 'print.' }), ['msg_3', 'msg_2', 'msg_1']);
    assert.deepEqual(ids({ status: '500' }), ['msg_2']);
    assert.deepEqual(ids({ status: '4xx' }), ['msg_3']);
    assert.deepEqual(ids({ status: 'retry' }), ['msg_4', 'msg_2']);
    assert.deepEqual(ids({ webhookId: 'MSG_1' }), ['msg_1']);
    assert.deepEqual(ids({ text: 'exploded' }), ['msg_2']);
    assert.deepEqual(ids({ text: 'econnrefused' }), ['msg_4']);
    assert.deepEqual(ids({ printer: 'voron', status: '200' }), ['msg_1']);
    assert.deepEqual(ids({ limit: 2 }), ['msg_4', 'msg_3']);
  });

  it('cuts a response body and an error to their bounds and keeps only known fields', () => {
    const small = new DeliveryLog(2);
    small.add({ ...attempt(9), response: 'x'.repeat(10_000), error: 'e'.repeat(5_000), extra: 'dropped' } as AttemptLogEntry);
    const [entry] = small.list();
    assert.equal(entry.response!.length, RESPONSE_TEXT_LIMIT + 1);
    assert.ok(entry.error!.length < 1000);
    assert.equal((entry as unknown as { extra?: string }).extra, undefined);
  });

  it("reads the printer's name from a stored event, and nothing from text that is not one", () => {
    assert.equal(printerNameOf(JSON.stringify({ type: 'print.done', printer: { id: 'p1', name: 'Prusa MK4', kind: 'prusalink' } })), 'Prusa MK4');
    assert.equal(printerNameOf('{not json'), undefined);
    assert.equal(printerNameOf(undefined), undefined);
    assert.equal(printerNameOf('{"printer":{"name":{"toString":1}}}'), undefined);
  });
});

describe('delivery/delivery-log-store: the log on disk', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('printhooks-log-')));
  afterEach(() => cleanup());

  it('appends in batches and reads the entries back in order into a new log (a redeploy or restart)', async () => {
    const file = path.join(dir, 'sender.jsonl');
    const log = new DeliveryLog(100);
    const store = new DeliveryLogStore(file, log, { flushMs: 20 });
    store.open();
    for (let i = 1; i <= 5; i++) log.add(attempt(i));
    assert.equal(fs.existsSync(file), false, 'nothing is written while a delivery runs: the batch waits');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 5);
    log.add(attempt(6, { verdict: 'retry', status: 503, response: 'busy' }));
    await store.close();
    log.add(attempt(7));

    const again = new DeliveryLog(100);
    new DeliveryLogStore(file, again).open();
    assert.deepEqual(again.list().map((e) => e.webhookId), ['msg_6', 'msg_5', 'msg_4', 'msg_3', 'msg_2', 'msg_1']);
    assert.equal(again.list()[0].response, 'busy');
  });

  it('stays bounded: past maxBytes the file is rewritten with the newest entries only', async () => {
    const file = path.join(dir, 'sender.jsonl');
    const log = new DeliveryLog(1000);
    const store = new DeliveryLogStore(file, log, { flushMs: 1, maxBytes: 20_000 });
    store.open();
    for (let i = 1; i <= 400; i++) {
      log.add(attempt(i, { response: 'r'.repeat(200) }));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await store.close();
    const size = fs.statSync(file).size;
    assert.ok(size <= 20_000, `${size} bytes`);
    const again = new DeliveryLog(1000);
    new DeliveryLogStore(file, again).open();
    assert.equal(again.list()[0].webhookId, 'msg_400', 'the newest entry is kept');
    assert.ok(again.length > 10 && again.length < 400);
    const seqs = again.list().map((e) => Number(e.webhookId.slice(4)));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'no entry twice, none out of order');
    assert.equal(new Set(seqs).size, seqs.length);
  });

  it('skips damaged and hostile lines, and a disk problem is reported once while the log keeps working', async () => {
    const file = path.join(dir, 'sender.jsonl');
    fs.writeFileSync(file, [JSON.stringify(attempt(1)), '{"webhookId":', 'null', JSON.stringify({ webhookId: 5, time: 'x' }), 'x'.repeat(50_000), JSON.stringify(attempt(2))].join('\n'));
    const log = new DeliveryLog(10);
    const errors: Error[] = [];
    const store = new DeliveryLogStore(file, log, { flushMs: 1, onError: (e) => errors.push(e) });
    store.open();
    assert.deepEqual(log.list().map((e) => e.webhookId), ['msg_2', 'msg_1']);
    // the file becomes a directory: every write fails
    fs.rmSync(file);
    fs.mkdirSync(file);
    log.add(attempt(3));
    await new Promise((r) => setTimeout(r, 30));
    log.add(attempt(4));
    await store.close();
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /delivery log .*sender\.jsonl/);
    assert.equal(log.list()[0].webhookId, 'msg_4');
  });
});
