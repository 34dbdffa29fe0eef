import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { EndpointHealth, type HealthTransition } from '../../../src/delivery/endpoint-health';
import { parseTtl } from '../../../src/delivery/event-lanes';
import { LatestWins, isExpired } from '../../../src/delivery/latest-wins';
import { Outbox } from '../../../src/delivery/outbox';
import { decodeEnqueueFacts } from '../../../src/delivery/outbox-record';
import { RateLimiter } from '../../../src/delivery/rate-limiter';
import { requestFromMsg } from '../../../src/delivery/request-from-msg';
import type { DroppedInfo } from '../../../src/delivery/delivery-queue';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { makeQueue, until, useQueueRig } from './queue-harness';

let counter = 0;
/** A canonical event msg as the template hands it over (msg.event + payload). */
function eventMsg(type: string, printer: string, job: string, extra: Record<string, unknown> = {}, now?: number) {
  counter += 1;
  const event = { id: `evt_${type}_${printer}_${job}_${counter}`, type, time: new Date().toISOString(), printer: { id: printer, name: printer, kind: 'test' }, job: { id: job }, ...extra };
  return requestFromMsg({ payload: event, event, topic: type }, { allowOverride: false, ...(now === undefined ? {} : { now }) });
}

const sentTypes = (rx: FakeReceiver) => rx.received.map((r) => {
  const body = JSON.parse(r.body.toString()) as { type: string; printer: { id: string }; progress?: number; layer?: number };
  return `${body.printer.id}:${body.type}${body.progress === undefined ? '' : `:${body.progress}`}${body.layer === undefined ? '' : `:${body.layer}`}`;
});

describe('delivery/scheduling: priorities, coalescing, TTL, 429 pauses, breaker, auto-disable', () => {
  const rig = useQueueRig();

  describe('priorities and coalescing', () => {
    it('terminal events and errors first, then the rest, then the latest progress / layer of each job; replaced ones completed, not dead', async () => {
      const dropped: DroppedInfo[] = [];
      const health = new EndpointHealth();
      health.disable('filling the queue');
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, concurrency: 1, health, onDropped: (d) => dropped.push(d) });
      for (const req of [
        eventMsg('print.progress', 'A', 'a1', { progress: 10 }),
        eventMsg('print.progress', 'A', 'a1', { progress: 20 }),
        eventMsg('print.progress', 'B', 'b1', { progress: 50 }),
        eventMsg('print.layer', 'A', 'a1', { layer: 3 }),
        eventMsg('printer.online', 'C', 'c0'),
        eventMsg('print.done', 'B', 'b1'),
        eventMsg('print.progress', 'A', 'a1', { progress: 30 }),
        eventMsg('print.paused', 'A', 'a1'),
        eventMsg('printer.error', 'D', 'd0'),
      ]) await rig.h.queue.enqueue(req);
      // A 10 % replaced by 20 %, 20 % by 30 %, B's 50 % by B's terminal event
      assert.equal(rig.h.queue.superseded, 3);
      assert.equal(rig.h.queue.queued, 6);
      assert.deepEqual(dropped.map((d) => `${d.why} ${d.eventType}`), ['superseded print.progress', 'superseded print.progress', 'superseded print.progress']);
      health.enable();
      await until(() => rig.h!.delivered.length === 6);
      assert.deepEqual(sentTypes(rig.rx), ['B:print.done', 'D:printer.error', 'C:printer.online', 'A:print.paused', 'A:print.layer:3', 'A:print.progress:30']);
      assert.equal(rig.h.dead.length, 0);
      assert.equal(rig.h.queue.queued, 0);
      assert.equal(rig.h.outbox.count, 0, 'replaced msgs are completed in the outbox');
      assert.deepEqual(rig.h.queue.log.list().filter((l) => l.verdict === 'superseded').length, 3);
    });

    it('a progress being sent is not replaced: both go, in order', async () => {
      rig.rx.reply({ status: 204, delayMs: 300 });
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url });
      await rig.h.queue.enqueue(eventMsg('print.progress', 'A', 'a1', { progress: 10 }));
      await rig.rx.waitFor(1);
      await rig.h.queue.enqueue(eventMsg('print.progress', 'A', 'a1', { progress: 20 }));
      await until(() => rig.h!.delivered.length === 2);
      assert.deepEqual(sentTypes(rig.rx), ['A:print.progress:10', 'A:print.progress:20']);
      assert.equal(rig.h.queue.superseded, 0);
    });

    it('durable: the coalescing and the lanes come back from the records after a restart', async () => {
      const health = new EndpointHealth();
      health.disable('down');
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, health, concurrency: 1 });
      await rig.h.queue.enqueue(eventMsg('print.progress', 'A', 'a1', { progress: 40 }));
      await rig.h.queue.enqueue(eventMsg('printer.online', 'A', 'a0'));
      await rig.h.queue.enqueue(eventMsg('print.failed', 'B', 'b1'));
      await rig.h.stop();
      // the restart: a new queue over the same folder; a newer progress of A arrives before anything is sent
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, concurrency: 1, noStart: true, health });
      assert.equal(rig.h.queue.queued, 3);
      await rig.h.queue.enqueue(eventMsg('print.progress', 'A', 'a1', { progress: 45 }));
      assert.equal(rig.h.queue.superseded, 1, 'the progress queued before the restart was replaced');
      health.enable();
      rig.h.queue.start();
      await until(() => rig.h!.delivered.length === 3);
      assert.deepEqual(sentTypes(rig.rx), ['B:print.failed', 'A:printer.online', 'A:print.progress:45']);
    });

    it('an outbox written before these rules replays, and is scheduled by them (records of the previous format)', async () => {
      fs.mkdirSync(rig.dir, { recursive: true });
      fs.copyFileSync(path.join(__dirname, 'fixtures', 'outbox-before-scheduling.bin'), path.join(rig.dir, 'outbox.log'));
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, concurrency: 1, noStart: true });
      // progress 10 %, 20 % and layer of job-1 are replaced by its print.failed; printer.online keeps its attempts
      assert.equal(rig.h.queue.superseded, 3);
      assert.equal(rig.h.queue.queued, 2);
      rig.h.queue.start();
      await until(() => rig.h!.delivered.length === 2);
      assert.deepEqual(rig.rx.received.map((r) => r.headers['webhook-id']), ['evt_old_5', 'evt_old_4']);
      assert.deepEqual(rig.h.delivered.map((m) => (m.delivery as { attempts: number }).attempts), [1, 3]);
      assert.equal((rig.h.delivered[0].event as { type: string }).type, 'print.failed');
    });

    it('the facts are written first in each record and read back without parsing it, also after a compaction', async () => {
      const outbox = new Outbox(rig.dir, { cacheEntries: 0 });
      const req = eventMsg('print.progress', 'Prusa "MK4" \\ 1', 'job\u00e9 1', { progress: 5 });
      await outbox.append(req, 1).durable;
      outbox.compact();
      await outbox.close();
      const again = new Outbox(rig.dir, { cacheEntries: 0 });
      const [entry] = [...again.entries()];
      assert.equal(entry.cached, undefined, 'read from the log, not from a cached body');
      assert.deepEqual([entry.eventType, entry.jobKey, entry.createdAt], ['print.progress', 'Prusa "MK4" \\ 1\u0000job\u00e9 1', req.createdAt]);
      const back = again.read(entry);
      assert.equal('ph' in back, false, 'the facts never reach the stored request nor the output msg');
      assert.equal(back.webhookId, req.webhookId);
      const raw = fs.readFileSync(path.join(rig.dir, 'outbox.log'));
      const decoded = decodeEnqueueFacts(raw.subarray(raw.indexOf(Buffer.from('{"ph"')) - 24));
      assert.equal(decoded?.jobKey, entry.jobKey);
      await again.close();
    });

    it('ordered mode keeps enqueue order (no lanes) but still coalesces', async () => {
      const health = new EndpointHealth();
      health.disable('filling');
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, ordered: true, health });
      await rig.h.queue.enqueue(eventMsg('print.progress', 'A', 'a1', { progress: 10 }));
      await rig.h.queue.enqueue(eventMsg('printer.online', 'C', 'c0'));
      await rig.h.queue.enqueue(eventMsg('print.progress', 'A', 'a1', { progress: 20 }));
      await rig.h.queue.enqueue(eventMsg('print.done', 'B', 'b1'));
      health.enable();
      await until(() => rig.h!.delivered.length === 3);
      assert.deepEqual(sentTypes(rig.rx), ['C:printer.online', 'A:print.progress:20', 'B:print.done']);
    });
  });

  describe('the pure parts a second backend reuses', () => {
    it('LatestWins: a newer progress / layer of the same job replaces the older; the terminal event replaces both; other jobs untouched', () => {
      const index = new LatestWins<{ seq: number; eventType?: string; jobKey?: string }>();
      const p1 = { seq: 1, eventType: 'print.progress', jobKey: 'a' };
      const l1 = { seq: 2, eventType: 'print.layer', jobKey: 'a' };
      const pb = { seq: 3, eventType: 'print.progress', jobKey: 'b' };
      const p2 = { seq: 4, eventType: 'print.progress', jobKey: 'a' };
      assert.deepEqual([index.add(p1), index.add(l1), index.add(pb)], [[], [], []]);
      assert.deepEqual(index.add(p2), [p1]);
      assert.deepEqual(index.add({ seq: 0, eventType: 'print.progress', jobKey: 'a' }), [], 'an older one never replaces a newer');
      assert.deepEqual(index.add({ seq: 5, eventType: 'print.done', jobKey: 'a' }), [p2, l1]);
      assert.deepEqual(index.add({ seq: 6, eventType: 'printer.online', jobKey: 'b' }), []);
      index.forget(pb);
      assert.deepEqual(index.add({ seq: 7, eventType: 'print.progress', jobKey: 'b' }), [], 'a finished one is forgotten');
    });

    it('isExpired: only past its type\'s TTL, never a terminal event, never without a TTL', () => {
      const ttl = new Map([['print.progress', 1000], ['print.done', 1]]);
      assert.equal(isExpired({ eventType: 'print.progress', createdAt: 0 }, ttl, 1001), true);
      assert.equal(isExpired({ eventType: 'print.progress', createdAt: 0 }, ttl, 1000), false);
      assert.equal(isExpired({ eventType: 'print.done', createdAt: 0 }, ttl, 10_000), false);
      assert.equal(isExpired({ eventType: 'print.layer', createdAt: 0 }, ttl, 10_000), false);
      assert.equal(isExpired({ eventType: 'print.progress', createdAt: 0 }, undefined, 10_000), false);
    });
  });

  describe('TTL', () => {
    it('a progress older than its TTL is dropped with a log line; a terminal event never', async () => {
      const dropped: DroppedInfo[] = [];
      const old = Date.now() - 10 * 60_000;
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, ttlMs: parseTtl('print.progress=60, print.layer=60').ttl, onDropped: (d) => dropped.push(d) });
      await rig.h.queue.enqueue(eventMsg('print.progress', 'A', 'a1', { progress: 10 }, old));
      await rig.h.queue.enqueue(eventMsg('print.progress', 'B', 'b1', { progress: 10 }));
      await rig.h.queue.enqueue(eventMsg('print.done', 'C', 'c1', {}, old));
      await until(() => rig.h!.delivered.length === 2 && dropped.length === 1);
      assert.deepEqual(sentTypes(rig.rx).sort(), ['B:print.progress:10', 'C:print.done']);
      assert.equal(dropped[0].why, 'expired');
      assert.ok(dropped[0].ageMs >= 10 * 60_000);
      assert.equal(rig.h.queue.expired, 1);
      assert.equal(rig.h.dead.length, 0);
      assert.equal(rig.h.outbox.count, 0);
    });

    it('the ttl field: seconds per type; a terminal type or an error is refused', () => {
      assert.deepEqual([...parseTtl('print.progress=600\nprint.layer = 30').ttl], [['print.progress', 600_000], ['print.layer', 30_000]]);
      assert.match(parseTtl('print.done=60').errors[0], /print.done never expires/);
      assert.match(parseTtl('printer.error=60').errors[0], /never expires/);
      assert.match(parseTtl('print.progres=60').errors[0], /not an event type/);
      assert.match(parseTtl('print.progress').errors[0], /is not <event type>=<seconds>/);
    });
  });

  describe('429: the target\'s wait pauses the endpoint (an HTTPS receiver)', () => {
    const formats: Array<[string, { headers?: Record<string, string>; body?: string }, number]> = [
      ['Retry-After header (seconds)', { headers: { 'retry-after': '1' } }, 1000],
      ['Discord JSON retry_after (float seconds)', { headers: { 'content-type': 'application/json' }, body: '{"message":"You are being rate limited.","retry_after":0.7,"global":false}' }, 700],
      ['Telegram parameters.retry_after', { headers: { 'content-type': 'application/json' }, body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}' }, 1000],
    ];
    for (const [name, reply, waitMs] of formats) {
      it(`${name}: no msg of the endpoint goes for ${waitMs} ms, then all go`, async () => {
        await rig.rx.stop();
        rig.rx = await new FakeReceiver({ tls: true }).start();
        assert.match(rig.rx.url, /^https:/);
        rig.rx.reply({ status: 429, ...reply });
        rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, concurrency: 1, limiter: new RateLimiter([]), overloadDelay: 30, tlsInsecure: true });
        await rig.h.queue.enqueue(eventMsg('print.done', 'A', 'a1'));
        await rig.rx.waitFor(1);
        for (const p of ['B', 'C']) await rig.h.queue.enqueue(eventMsg('print.done', p, `${p}1`));
        await until(() => rig.h!.delivered.length === 3, 5000);
        const first = rig.rx.received[0].at;
        for (const later of rig.rx.received.slice(1)) {
          assert.ok(later.at - first >= waitMs - 10, `${later.at - first} ms after the 429`);
        }
        assert.ok(rig.rx.received[1].at - first < waitMs + 400, `resumed soon after the wait: ${rig.rx.received[1].at - first}`);
        assert.equal(rig.h.dead.length, 0);
      });
    }
  });

  describe('circuit breaker and auto-disable', () => {
    it('opens after N consecutive failures, probes one at a time at a growing interval, closes on success', async () => {
      rig.rx.answer((_req, index) => ({ status: index < 5 ? 503 : 204 }));
      const transitions: HealthTransition[] = [];
      const health = new EndpointHealth({ breakerFailures: 3, probeMs: 150 });
      health.onChange((tr) => tr && transitions.push(tr));
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, concurrency: 1, health, schedule: Array(20).fill(0.01) });
      for (const p of ['A', 'B', 'C']) await rig.h.queue.enqueue(eventMsg('print.done', p, `${p}1`));
      await until(() => health.breaker === 'open');
      assert.equal(rig.h.queue.health!.state, 'open');
      assert.ok(rig.h.queue.health!.nextProbeAt);
      await until(() => rig.h!.delivered.length === 3, 5000);
      const at = rig.rx.received.map((r) => r.at);
      const gaps = [at[3] - at[2], at[4] - at[3], at[5] - at[4]];
      assert.ok(gaps[0] >= 140 && gaps[1] >= 290 && gaps[2] >= 590, `probe gaps ${gaps}`);
      assert.ok(gaps[2] < 1000, `probe gaps ${gaps}`);
      // 3 failures, 3 probes (the third succeeds), then the two others: nothing else was sent while open
      assert.equal(rig.rx.received.length, 8);
      assert.deepEqual(transitions, ['failing', 'opened', 'probe-failed', 'probe-failed', 'closed']);
      assert.equal(health.state, 'closed');
    });

    it('only failures for the failing window disable the endpoint (red, reason); enabling resumes the queue at once', async () => {
      let failing = true;
      rig.rx.answer(() => ({ status: failing ? 500 : 204 }));
      const health = new EndpointHealth({ disableAfterMs: 300 });
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, health, schedule: Array(50).fill(0.05) });
      await rig.h.queue.enqueue(eventMsg('print.done', 'A', 'a1'));
      await until(() => health.disabled, 3000);
      const view = rig.h.queue.health!;
      assert.equal(view.state, 'disabled');
      assert.match(String(view.reason), /^only failures for 1 min \(last: HTTP 500\)$/);
      assert.ok(view.disabledSince && view.failingSince);
      const sent = rig.rx.received.length;
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(rig.rx.received.length, sent, 'nothing is sent while disabled');
      assert.equal(rig.h.queue.nextAttemptAt, undefined);
      assert.equal(rig.h.dead.length, 0);
      failing = false;
      health.enable();
      await until(() => rig.h!.delivered.length === 1);
      assert.equal(rig.h.queue.health!.state, 'closed');
    });

    it('re-enabling, or the breaker closing, tries at once what waited for a later retry', async () => {
      rig.rx.answer((_r, index) => ({ status: index < 2 ? 503 : 204 }));
      const health = new EndpointHealth({ breakerFailures: 2, probeMs: 100 });
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, health, concurrency: 2, schedule: [3600] });
      await rig.h.queue.enqueue(eventMsg('print.done', 'A', 'a1'));
      await rig.h.queue.enqueue(eventMsg('print.done', 'B', 'b1'));
      // both failed once and wait an hour; the breaker is open; no probe is due before an hour passes for either msg
      await until(() => health.breaker === 'open' && rig.h!.queue.inFlight === 0);
      health.enable();
      await until(() => rig.h!.delivered.length === 2, 2000, 'both sent at once after re-enabling');
    });

    it('a probe whose sender closed before its answer does not leave the shared breaker half-open', async () => {
      rig.rx.answer((_r, index) => (index === 1 ? { status: 204, delayMs: 400 } : { status: index === 0 ? 503 : 204 }));
      const health = new EndpointHealth({ breakerFailures: 1, probeMs: 50 });
      const first = makeQueue({ dir: `${rig.dir}/a`, url: rig.rx.url, health, schedule: [0.01, 0.01] });
      await first.queue.enqueue(eventMsg('print.done', 'A', 'a1'));
      await rig.rx.waitFor(2);
      assert.equal(health.breaker, 'half-open');
      await first.stop(); // gives up on the probe after 100 ms; its answer comes after the close
      rig.h = makeQueue({ dir: `${rig.dir}/b`, url: rig.rx.url, health });
      await rig.h.queue.enqueue(eventMsg('print.done', 'B', 'b1'));
      await until(() => rig.h!.delivered.length === 1, 3000, 'the other sender probes and delivers');
      assert.equal(health.breaker, 'closed');
    });

    it('a success forgives: the failing window starts again after it', () => {
      let now = 0;
      const health = new EndpointHealth({ disableAfterMs: 1000, now: () => now });
      health.failure();
      now = 900;
      health.success();
      now = 1500;
      health.failure();
      assert.equal(health.disabled, false);
      now = 2600;
      health.failure();
      assert.equal(health.disabled, true);
    });
  });

  describe('retry now', () => {
    it('a msg waiting for its next scheduled retry goes at once, and nextAttemptAt says when', async () => {
      rig.rx.reply({ status: 503 });
      rig.h = makeQueue({ dir: rig.dir, url: rig.rx.url, schedule: [3600] });
      await rig.h.queue.enqueue(eventMsg('print.done', 'A', 'a1'));
      await rig.rx.waitFor(1);
      await until(() => rig.h!.queue.nextAttemptAt !== undefined && Date.parse(rig.h!.queue.nextAttemptAt) > Date.now() + 3000_000);
      assert.equal(rig.h.queue.retryNow(), 1);
      await until(() => rig.h!.delivered.length === 1, 2000);
      assert.equal(rig.h.queue.nextAttemptAt, undefined);
    });
  });
});
