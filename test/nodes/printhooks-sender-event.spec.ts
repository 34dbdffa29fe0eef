import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { helper, nodeRedLine } from './helper';
import { useSenderEnv } from './support/sender-env';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');

type Msg = Record<string, unknown> & { delivery?: Record<string, unknown> };
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };

const node = (id: string) => helper.getNode(id) as unknown as TestNode;

function waitMsg(n: TestNode, timeoutMs = 4000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no msg')), timeoutMs);
    n.on('input', (msg: never) => {
      clearTimeout(timer);
      resolve(msg as Msg);
    });
  });
}

const event = {
  id: 'evt_mk4_job7_done',
  type: 'print.done',
  time: '2026-11-23T20:00:00.000Z',
  printer: { id: 'mk4', name: 'MK4', kind: 'octoprint' },
  job: { id: 'job7', file: 'benchy.gcode', progress: 100 },
  raw: { frame: 'raw-frame-marker' },
};
const { raw: _raw, ...expected } = event;

describe(`printhooks-sender outputs carry msg.event (Node-RED ${nodeRedLine})`, () => {
  const env = useSenderEnv({ signerWaitMs: 50, statusIntervalMs: 5 });

  function flow(sender: Record<string, unknown> = {}) {
    return [
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, method: 'POST', timeout: 2, allowOverride: false, tlsInsecure: false, version: 1 },
      { id: 's1', type: 'printhooks-sender', endpoint: 'ep', concurrency: 4, ordered: false, retrySchedule: '0.05,0.05', jitter: 0, overloadDelay: 0.05, version: 1, wires: [['ok'], ['dead']], ...sender },
      { id: 'ok', type: 'helper' },
      { id: 'dead', type: 'helper' },
    ];
  }
  const load = (sender: Record<string, unknown> = {}) => helper.load([endpointNode, senderNode], flow(sender) as never);

  it('output 1 after a normal delivery: msg.event (without raw) and msg.topic; no other msg property is stored', async () => {
    await load();
    const ok = waitMsg(node('ok'));
    node('s1').receive({ payload: 'Benchy is done', event, topic: 'print.done', private: 'other-prop-marker' });
    const msg = await ok;
    assert.deepEqual(msg.event, expected);
    assert.equal(msg.topic, 'print.done');
    assert.equal(msg.payload, 'Benchy is done');
    assert.equal(msg.private, undefined);
    const file = fs.readFileSync(path.join(env.outboxDir, 's1', 'outbox.log'));
    assert.equal(file.includes(Buffer.from('other-prop-marker')), false);
    assert.equal(file.includes(Buffer.from('raw-frame-marker')), false);
  });

  it('an event-shaped msg.payload becomes msg.event on output 1', async () => {
    await load();
    const ok = waitMsg(node('ok'));
    node('s1').receive({ payload: event });
    const msg = await ok;
    assert.deepEqual(msg.event, expected);
    assert.deepEqual(msg.payload, event, 'the payload itself is sent and returned unchanged');
  });

  it('output 1 after a retry, and output 2 for a permanent failure and for exhausted retries', async () => {
    env.rx.reply({ status: 503 }, { status: 204 }, { status: 400, body: 'bad' }, { status: 500 }, { status: 500 }, { status: 500 });
    await load({ ordered: true });
    const ok = waitMsg(node('ok'));
    node('s1').receive({ payload: 'retried', event, topic: 'print.done' });
    const delivered = await ok;
    assert.equal(delivered.delivery!.attempts, 2);
    assert.deepEqual(delivered.event, expected);
    assert.equal(delivered.topic, 'print.done');

    const failed = { ...expected, id: 'evt_failed', type: 'print.failed' };
    let dead = waitMsg(node('dead'));
    node('s1').receive({ payload: 'permanent', event: failed, topic: 'print.failed' });
    const permanent = await dead;
    assert.match(String(permanent.delivery!.reason), /HTTP 400/);
    assert.deepEqual(permanent.event, failed);
    assert.equal(permanent.topic, 'print.failed');

    dead = waitMsg(node('dead'));
    node('s1').receive({ payload: 'exhausted', event, topic: 'print.done' });
    const exhausted = await dead;
    assert.equal(exhausted.delivery!.attempts, 3);
    assert.deepEqual(exhausted.event, expected);
  });

  it('after a restart of the flow with records queued on disk, both outputs still carry msg.event', async () => {
    env.rx.answer(() => ({ status: 503 }));
    await load({ retrySchedule: '0.3,0.3' });
    const offline = { ...expected, id: 'evt_offline', type: 'printer.offline' };
    node('s1').receive({ payload: 'to-deliver', event, topic: 'print.done' });
    node('s1').receive({ payload: 'to-dead-letter', event: offline, topic: 'printer.offline' });
    await env.rx.waitFor(2);
    await helper.unload();
    const file = fs.readFileSync(path.join(env.outboxDir, 's1', 'outbox.log'));
    assert.ok(file.includes(Buffer.from('evt_offline')), 'the event is in the outbox on disk');

    env.rx.answer((req) => (req.body.toString() === 'to-deliver' ? { status: 204 } : { status: 404 }));
    await load({ retrySchedule: '0.3,0.3' });
    const [delivered, dead] = await Promise.all([waitMsg(node('ok')), waitMsg(node('dead'))]);
    assert.equal(delivered.payload, 'to-deliver');
    assert.deepEqual(delivered.event, expected);
    assert.equal(delivered.topic, 'print.done');
    assert.equal(dead.payload, 'to-dead-letter');
    assert.deepEqual(dead.event, offline);
    assert.equal(dead.topic, 'printer.offline');
    assert.equal(dead.delivery!.attempts, 2);
  });

  it('a msg without an event goes out without msg.event', async () => {
    await load();
    const ok = waitMsg(node('ok'));
    node('s1').receive({ payload: { hello: 'world' }, topic: 't' });
    const msg = await ok;
    assert.equal('event' in msg, false);
    assert.equal(msg.topic, 't');
  });
});
