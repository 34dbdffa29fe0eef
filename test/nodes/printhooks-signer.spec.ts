import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { generateSecret, publicKeyFor } from '../../src/sign/keys';
import { getSigner } from '../../src/sign/signer-registry';
import signerNode = require('../../nodes/printhooks-signer/printhooks-signer');
import { helper, nodeRedLine } from './helper';

const catchNode = require(require.resolve('@node-red/nodes/core/common/25-catch.js', {
  paths: [require.resolve(nodeRedLine === '4' ? 'node-red-4' : 'node-red')],
}));

const WHSEC = `whsec_${Buffer.from('signer-node-test-key-0123456789').toString('base64')}`;

function flow(config: Record<string, unknown>) {
  return [
    { id: 't1', type: 'tab' },
    { id: 's1', z: 't1', type: 'printhooks-signer', scheme: 'standard-webhooks', header: '', encoding: 'base64', version: 1, ...config, wires: [['out']] },
    { id: 'out', z: 't1', type: 'helper' },
    { id: 'c1', z: 't1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 't1', type: 'helper' },
  ];
}

function next(id: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => helper.getNode(id).once('input', resolve));
}

type StatusSpy = { lastCall: { args: [{ fill?: string; shape?: string; text?: string }] } };
const lastStatus = (id: string) => (helper.getNode(id).status as unknown as StatusSpy).lastCall.args[0];
const event = { id: 'evt_signertest0001', type: 'print.done', printer: { id: 'p1', name: 'Ender' } };

describe(`printhooks-signer node (Node-RED ${nodeRedLine})`, () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  it('serialises the body once, adds Standard Webhooks headers and msg.webhook; the npm oracle verifies it', async () => {
    await helper.load([signerNode, catchNode], flow({}), { s1: { secrets: WHSEC } });
    const got = next('out');
    helper.getNode('s1').receive({ payload: { type: 'print.done', data: { file: 'benchy.gcode' } }, event, headers: { 'Content-Type': 'application/json', 'x-extra': '1' } });
    const msg = await got;
    assert.equal(msg.payload, '{"type":"print.done","data":{"file":"benchy.gcode"}}');
    const headers = msg.headers as Record<string, string>;
    assert.equal(headers['Content-Type'], 'application/json');
    assert.equal(headers['x-extra'], '1');
    assert.equal(headers['content-type'], undefined, 'no second content-type');
    assert.equal(headers['webhook-id'], event.id);
    const webhook = msg.webhook as { id: string; timestamp: number; signer: string };
    assert.deepEqual(webhook, { id: event.id, timestamp: Number(headers['webhook-timestamp']), signer: 's1' });
    assert.ok(Math.abs(webhook.timestamp - Date.now() / 1000) < 5);
    assert.doesNotThrow(() => new Webhook(WHSEC).verify(msg.payload as string, headers));
  });

  it('registers an AttemptSigner under its node id while deployed and removes it on close', async () => {
    await helper.load([signerNode, catchNode], flow({}), { s1: { secrets: WHSEC } });
    const attempt = getSigner('s1');
    assert.ok(attempt);
    assert.deepEqual([...attempt.headerNames], ['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    const body = Buffer.from('{"a":1}');
    const headers = attempt.sign({ id: 'evt_x', body, timestamp: Math.floor(Date.now() / 1000) });
    assert.doesNotThrow(() => new Webhook(WHSEC).verify(body.toString(), headers));
    await helper.unload();
    assert.equal(getSigner('s1'), undefined);
  });

  it('takes the id from msg.payload.id without an event, and makes a msg_ id when there is none', async () => {
    await helper.load([signerNode, catchNode], flow({}), { s1: { secrets: WHSEC } });
    let got = next('out');
    helper.getNode('s1').receive({ payload: { id: 'order_42', x: 1 } });
    assert.equal(((await got).webhook as { id: string }).id, 'order_42');
    got = next('out');
    helper.getNode('s1').receive({ payload: 'plain text' });
    const msg = await got;
    assert.match((msg.webhook as { id: string }).id, /^msg_[A-Za-z0-9]{22}$/);
    assert.equal(msg.payload, 'plain text');
    assert.equal((msg.headers as Record<string, string>)['content-type'], undefined, 'a string body gets no guessed content type');
  });

  it('keeps a Buffer body as the same bytes', async () => {
    await helper.load([signerNode, catchNode], flow({ scheme: 'hmac-sha256', encoding: 'hex' }), { s1: { secrets: 'k' } });
    const got = next('out');
    const body = Buffer.from([0, 1, 2, 255]);
    helper.getNode('s1').receive({ payload: body });
    const msg = await got;
    assert.ok(Buffer.isBuffer(msg.payload));
    assert.ok(body.equals(msg.payload as Buffer));
    assert.match((msg.headers as Record<string, string>)['x-webhook-hmac-sha256'], /^[0-9a-f]{64}$/);
  });

  it('github scheme adds X-GitHub-Event from the event type', async () => {
    await helper.load([signerNode, catchNode], flow({ scheme: 'github' }), { s1: { secrets: 'gh' } });
    const got = next('out');
    helper.getNode('s1').receive({ payload: { a: 1 }, event });
    const headers = (await got).headers as Record<string, string>;
    assert.equal(headers['x-github-event'], 'print.done');
    assert.equal(headers['x-github-delivery'], event.id);
    assert.match(headers['x-hub-signature-256'], /^sha256=[0-9a-f]{64}$/);
  });

  it('token scheme: msg.headers carries a secret reference, never the token, unless secretsInMsg is ticked', async () => {
    await helper.load([signerNode, catchNode], flow({ scheme: 'token', header: 'Authorization' }), { s1: { secrets: 'tok-SECRET-1' } });
    let got = next('out');
    helper.getNode('s1').receive({ payload: { a: 1 }, event });
    let msg = await got;
    const masked = (msg.headers as Record<string, string>).authorization;
    assert.match(masked, /^Bearer phsecret\.token\.[0-9a-f]+\.[0-9a-f]+$/);
    assert.equal(JSON.stringify(msg).includes('tok-SECRET-1'), false);
    await helper.unload();

    await helper.load([signerNode, catchNode], flow({ scheme: 'token', header: 'Authorization', secretsInMsg: true }), { s1: { secrets: 'tok-SECRET-1' } });
    got = next('out');
    helper.getNode('s1').receive({ payload: { a: 1 }, event });
    msg = await got;
    assert.equal((msg.headers as Record<string, string>).authorization, 'Bearer tok-SECRET-1');
  });

  it('a body that is not a string, Buffer or object goes to done(err) naming msg.payload', async () => {
    await helper.load([signerNode, catchNode], flow({}), { s1: { secrets: WHSEC } });
    const caught = next('caught');
    helper.getNode('s1').receive({ payload: 42 });
    const msg = await caught;
    assert.match((msg.error as { message: string }).message, /msg\.payload must be a string, a Buffer or an object/);
    assert.equal(lastStatus('s1').fill, 'red');
  });

  const badConfigs: [string, Record<string, unknown>, string | undefined, RegExp][] = [
    ['a malformed secret', {}, 'whsec_###', /not valid base64/],
    ['an empty secret', {}, '', /no secret/],
    ['an unknown scheme', { scheme: 'md5' }, 'x', /unknown scheme/],
  ];
  for (const [name, config, secrets, message] of badConfigs) {
    it(`${name}: red ring status, not registered, msgs go to done(err)`, async () => {
      await helper.load([signerNode, catchNode], flow(config), secrets === undefined ? {} : { s1: { secrets } });
      const status = lastStatus('s1');
      assert.equal(status.fill, 'red');
      assert.equal(status.shape, 'ring');
      assert.equal(getSigner('s1'), undefined);
      const caught = next('caught');
      helper.getNode('s1').receive({ payload: { a: 1 } });
      assert.match(((await caught).error as { message: string }).message, message);
    });
  }

  it('loads a config saved before `version` existed', async () => {
    const old = flow({});
    const s1 = old[1] as Record<string, unknown>;
    delete s1.version;
    delete s1.header;
    delete s1.encoding;
    await helper.load([signerNode, catchNode], old, { s1: { secrets: WHSEC } });
    const got = next('out');
    helper.getNode('s1').receive({ payload: { a: 1 } });
    assert.match(((await got).headers as Record<string, string>)['webhook-signature'], /^v1,/);
  });

  it('admin endpoint generates secrets and derives a typed whsk_ public key', async () => {
    await helper.load([signerNode, catchNode], flow({}), { s1: { secrets: WHSEC } });
    const gen = await helper.request().post('/printhooks-signer/keys').send({ action: 'generate', scheme: 'standard-webhooks' }).expect(200);
    assert.match(gen.body.secret, /^whsec_/);
    const ed = await helper.request().post('/printhooks-signer/keys').send({ action: 'generate', scheme: 'standard-webhooks-ed25519' }).expect(200);
    assert.equal(ed.body.publicKey, publicKeyFor(ed.body.secret));
    const derived = await helper.request().post('/printhooks-signer/keys').send({ action: 'public-key', secret: ed.body.secret }).expect(200);
    assert.deepEqual(derived.body, { publicKey: ed.body.publicKey });
    const bad = await helper.request().post('/printhooks-signer/keys').send({ action: 'public-key', secret: 'whsk_nope' }).expect(400);
    assert.match(bad.body.error, /whsk_/);
    await helper.request().post('/printhooks-signer/keys').send({ action: 'dump' }).expect(400);
  });

  it('shows a deployed ed25519 signer\'s public key, never its secret', async () => {
    const whsk = generateSecret('standard-webhooks-ed25519');
    await helper.load([signerNode, catchNode], flow({ scheme: 'standard-webhooks-ed25519' }), { s1: { secrets: whsk } });
    const res = await helper.request().get('/printhooks-signer/s1/public-keys').expect(200);
    assert.deepEqual(res.body, { publicKeys: [publicKeyFor(whsk)] });
    assert.ok(!JSON.stringify(res.body).includes(whsk.slice(5, 30)));
    await helper.request().get('/printhooks-signer/nope/public-keys').expect(404);
  });
});
