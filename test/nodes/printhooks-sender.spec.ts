import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Webhook } from 'standardwebhooks';
import { helper } from './helper';
import { registerSigner } from '../../src/sign/signer-registry';
import { Outbox } from '../../src/delivery/outbox';
import { requestFromMsg } from '../../src/delivery/request-from-msg';
import { senderFlow, useSenderEnv } from './support/sender-env';
import { TEST_SECRET, hmacSigner } from '../core/delivery/test-signer';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
const nodes = [endpointNode, senderNode];

type Msg = Record<string, unknown> & { delivery?: Record<string, unknown> };
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void; status?: unknown };

const node = (id: string) => helper.getNode(id) as unknown as TestNode;
const load = (flow: object[], credentials: object = {}) => helper.load(nodes, flow as never, credentials as never);

function waitMsg(node: TestNode, timeoutMs = 4000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no msg')), timeoutMs);
    node.on('input', (msg: never) => {
      clearTimeout(timer);
      resolve(msg as Msg);
    });
  });
}

function waitCall(node: TestNode, name: string, timeoutMs = 4000): Promise<{ args: unknown[] }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name}`)), timeoutMs);
    node.on(`call:${name}`, (call: never) => {
      clearTimeout(timer);
      resolve(call as { args: unknown[] });
    });
  });
}

describe('printhooks-sender node', () => {
  const env = useSenderEnv({ signerWaitMs: 50, statusIntervalMs: 5 });

  function flow(endpoint: Record<string, unknown> = {}, sender: Record<string, unknown> = {}) {
    return senderFlow(env.rx, endpoint, { concurrency: 4, retrySchedule: '0.05,0.05', version: 1, ...sender });
  }

  it('delivers an object payload as JSON with bearer auth, and outputs msg.delivery on output 1', async () => {
    await load(flow(), { ep: { token: 's3cret-token' } });
    const s1 = node('s1');
    const ok = waitMsg(node('ok'));
    s1.receive({ payload: { id: 'evt_1', type: 'print.done' }, topic: 'print.done' });
    const msg = await ok;
    assert.deepEqual(msg.payload, { id: 'evt_1', type: 'print.done' });
    assert.equal(msg.topic, 'print.done');
    assert.deepEqual([msg.delivery!.status, msg.delivery!.attempts, msg.delivery!.webhook_id], [204, 1, 'evt_1']);
    assert.equal(env.rx.received[0].headers.authorization, 'Bearer s3cret-token');
    assert.equal(env.rx.received[0].headers['content-type'], 'application/json');
    // the token never reaches the outbox file
    const file = fs.readFileSync(path.join(env.outboxDir, 's1', 'outbox.log'));
    assert.equal(file.includes(Buffer.from('s3cret-token')), false);
  });

  it('acknowledges (done) only after the msg is in the outbox on disk', async () => {
    env.rx.answer(() => ({ delayMs: 300 }));
    await load(flow());
    const s1 = node('s1') as TestNode & { _complete: (msg: unknown, err?: unknown) => void };
    // Node-RED routes done() through Node#_complete: observe it to know when the msg was acknowledged
    const original = s1._complete;
    const done = new Promise<void>((resolve) => {
      s1._complete = function (this: unknown, msg: unknown, err?: unknown) {
        resolve();
        return original.call(this, msg, err);
      };
    });
    s1.receive({ payload: 'durable-body-123' });
    await done;
    assert.equal(env.rx.received.length <= 1, true);
    const file = fs.readFileSync(path.join(env.outboxDir, 's1', 'outbox.log'));
    assert.ok(file.includes(Buffer.from('durable-body-123')));
  });

  it('a permanent 4xx goes to output 2 with the reason', async () => {
    env.rx.reply({ status: 400, body: 'nope' });
    await load(flow());
    const dead = waitMsg(node('dead'));
    (node('s1')).receive({ payload: 'x' });
    const msg = await dead;
    assert.equal(msg.delivery!.status, 400);
    assert.equal(msg.delivery!.response, 'nope');
    assert.match(String(msg.delivery!.reason), /permanent failure: HTTP 400/);
  });

  it('bad input: done(err) naming the field, nothing sent', async () => {
    await load(flow());
    const s1 = node('s1');
    const err = waitCall(s1, 'error');
    s1.receive({ payload: undefined });
    const call = await err;
    assert.match(String(call.args[0]), /msg\.payload/);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(env.rx.received.length, 0);
  });

  it('without an endpoint: red status, and a msg is refused with an error', async () => {
    await load([{ id: 's1', type: 'printhooks-sender', wires: [[], []] }]);
    const s1 = node('s1');
    const err = waitCall(s1, 'error');
    s1.receive({ payload: 'x' });
    assert.match(String((await err).args[0]), /no endpoint configured/);
  });

  it('an invalid endpoint url or sender setting is reported at deploy', async () => {
    await load(flow({ url: 'ftp://x' }));
    const s1 = node('s1');
    const err = waitCall(s1, 'error');
    s1.receive({ payload: 'x' });
    assert.match(String((await err).args[0]), /url must be http/);
  });

  it('msg.url / msg.method override only when the endpoint allows it', async () => {
    await load(flow());
    let ok = waitMsg(node('ok'));
    (node('s1')).receive({ payload: 'x', url: `${env.rx.url}/other`, method: 'PUT' });
    await ok;
    assert.deepEqual([env.rx.received[0].method, env.rx.received[0].path], ['POST', '/hook']);
    await helper.unload();
    await load(flow({ allowOverride: true }));
    ok = waitMsg(node('ok'));
    (node('s1')).receive({ payload: 'x', url: `${env.rx.url}/other`, method: 'PUT' });
    await ok;
    assert.deepEqual([env.rx.received[1].method, env.rx.received[1].path], ['PUT', '/other']);
  });

  it('re-signs a signed msg through its signer on each attempt; signatures never stored', async () => {
    const signer = hmacSigner();
    const unregister = registerSigner('sig1', signer);
    try {
      env.rx.reply({ status: 503 });
      await load(flow());
      const ok = waitMsg(node('ok'));
      const body = '{"type":"print.done"}';
      (node('s1')).receive({ payload: body, headers: { 'content-type': 'application/json', ...signer.sign({ id: 'evt_s', body: Buffer.from(body), timestamp: 1 }) }, webhook: { id: 'evt_s', timestamp: 1, signer: 'sig1' } });
      const msg = await ok;
      assert.equal(msg.delivery!.attempts, 2);
      const wh = new Webhook(TEST_SECRET);
      for (const r of env.rx.received) {
        assert.equal(r.headers['webhook-id'], 'evt_s');
        wh.verify(r.body, r.headers as Record<string, string>);
      }
      assert.equal(signer.calls, 3);
      assert.equal(fs.readFileSync(path.join(env.outboxDir, 's1', 'outbox.log')).includes(Buffer.from('webhook-signature')), false);
      assert.equal((msg.headers as Record<string, string>)['webhook-signature'], undefined);
    } finally {
      unregister();
    }
  });

  it('a queued msg is delivered after a redeploy (same outbox, same webhook-id)', async () => {
    env.rx.answer(() => ({ status: 503 }));
    await load(flow({}, { retrySchedule: '0.4' }));
    (node('s1')).receive({ payload: 'keep-me', webhook: { id: 'evt_keep' } });
    await env.rx.waitFor(1);
    await helper.unload();
    env.rx.answer(() => ({ status: 204 }));
    await load(flow({}, { retrySchedule: '0.4' }));
    const log = await helper.request().get('/printhooks-sender/s1/log').expect(200);
    assert.equal(log.body.queued, 1);
    const msg = await waitMsg(node('ok'));
    assert.equal(msg.payload, 'keep-me');
    assert.equal(msg.delivery!.attempts, 2);
    assert.deepEqual(env.rx.received.map((r) => r.headers['webhook-id']), ['evt_keep', 'evt_keep']);
  });

  it('admin: log, send test event, retry dead letters, and re-enable after 410', async () => {
    env.rx.reply({ status: 422 }, { status: 410 });
    await load(flow());
    const dead = waitMsg(node('dead'));
    (node('s1')).receive({ payload: '<script>x</script>', webhook: { id: 'evt_a' } });
    await dead;
    const log = await helper.request().get('/printhooks-sender/s1/log').expect(200);
    assert.equal(log.body.dead, 1);
    assert.deepEqual([log.body.attempts[0].webhookId, log.body.attempts[0].status], ['evt_a', 422]);
    // retry dead letters: the next answer is 410, which disables the endpoint and keeps the msg queued
    const retried = await helper.request().post('/printhooks-sender/s1/retry-dead').expect(200);
    assert.equal(retried.body.retried, 1);
    await env.rx.waitFor(2);
    await new Promise((r) => setTimeout(r, 50));
    const disabled = await helper.request().get('/printhooks-sender/s1/log').expect(200);
    assert.deepEqual([disabled.body.queued, disabled.body.dead], [1, 0]);
    const ok = waitMsg(node('ok'));
    const enabled = await helper.request().post('/printhooks-endpoint/ep/enable').expect(200);
    assert.equal(enabled.body.wasDisabled, true);
    assert.equal((await ok).delivery!.webhook_id, 'evt_a');
    // send test event
    const ok2 = waitMsg(node('ok'));
    const test = await helper.request().post('/printhooks-sender/s1/test').expect(200);
    const msg = await ok2;
    assert.equal((msg.payload as { type: string }).type, 'test');
    assert.equal(msg.delivery!.webhook_id, test.body.id);
    await helper.request().get('/printhooks-sender/nope/log').expect(404);
  });

  it('never stores or sends a secret header from the msg, and warns once', async () => {
    await load(flow());
    const s1 = node('s1');
    const warned = waitCall(s1, 'warn');
    const ok = waitMsg(node('ok'));
    s1.receive({ payload: 'x', headers: { Authorization: 'Bearer msg-secret-123', 'x-keep': 'yes' } });
    await ok;
    assert.match(String((await warned).args[0]), /msg.headers.authorization is not stored/);
    assert.equal(env.rx.received[0].headers.authorization, undefined);
    assert.equal(env.rx.received[0].headers['x-keep'], 'yes');
    assert.equal(fs.readFileSync(path.join(env.outboxDir, 's1', 'outbox.log')).includes(Buffer.from('msg-secret-123')), false);
  });

  it('recovers an outbox with a torn last record at deploy: earlier msgs are delivered, a warning is logged', async () => {
    const dir = path.join(env.outboxDir, 's1');
    const outbox = new Outbox(dir);
    for (const n of [1, 2, 3]) outbox.append(requestFromMsg({ payload: `body-${n}`, webhook: { id: `evt_t${n}` } }, { allowOverride: false }), 0);
    await outbox.close();
    fs.truncateSync(outbox.file, fs.statSync(outbox.file).size - 4);
    const delivered: Msg[] = [];
    await load(flow());
    node('ok').on('input', (msg: never) => delivered.push(msg));
    await env.rx.waitFor(2);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(delivered.map((m) => m.payload), ['body-1', 'body-2']);
    assert.equal(env.rx.received.length, 2);
    const logged = (helper.log() as unknown as { args: Array<[{ msg?: unknown }]> }).args.map((a) => String(a[0]?.msg));
    assert.ok(logged.some((m) => /dropped a torn last record/.test(m)), 'a warning names the torn record');
  });

  it('migrates a config saved without version or tuning fields', async () => {
    await load([
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook` },
      { id: 's1', type: 'printhooks-sender', endpoint: 'ep', wires: [['ok'], []] },
      { id: 'ok', type: 'helper' },
    ]);
    const ok = waitMsg(node('ok'));
    (node('s1')).receive({ payload: { a: 1 } });
    assert.equal((await ok).delivery!.status, 204);
  });
});
