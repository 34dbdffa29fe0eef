import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { generateSecret, publicKeyFor } from '../../src/sign/keys';
import verifyNode = require('../../nodes/printhooks-verify/printhooks-verify');
import signerNode = require('../../nodes/printhooks-signer/printhooks-signer');
import { helper, nodeRedLine } from './helper';

const catchNode = require(require.resolve('@node-red/nodes/core/common/25-catch.js', {
  paths: [require.resolve(nodeRedLine === '4' ? 'node-red-4' : 'node-red')],
}));

const WHSEC = `whsec_${Buffer.from('verify-node-test-key-0123456789').toString('base64')}`;
const BODY = '{"type":"print.done","data":{"file":"benchy.gcode"}}';

function flow(config: Record<string, unknown>) {
  return [
    { id: 't1', type: 'tab' },
    { id: 'v1', z: 't1', type: 'printhooks-verify', scheme: 'standard-webhooks', header: '', encoding: 'base64', tolerance: 300, respond401: true, parseJson: true, version: 1, ...config, wires: [['valid'], ['rejected']] },
    { id: 'valid', z: 't1', type: 'helper' },
    { id: 'rejected', z: 't1', type: 'helper' },
    { id: 'c1', z: 't1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 't1', type: 'helper' },
  ];
}

/** The signer node wired into the verify node of flow(). */
function chain(signer: Record<string, unknown>, verify: Record<string, unknown>) {
  const nodes: Record<string, unknown>[] = [
    { id: 't1', type: 'tab' },
    { id: 's1', z: 't1', type: 'printhooks-signer', ...signer, wires: [['v1']] },
    ...flow(verify).slice(1),
  ];
  return nodes as unknown as ReturnType<typeof flow>;
}

function next(id: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => helper.getNode(id).once('input', resolve));
}

/** A msg as the core http in node makes it with "Do not parse request body" ticked. */
function received(headers: Record<string, string>, body = BODY): Record<string, unknown> {
  return { payload: Buffer.from(body), req: { headers: { 'content-type': 'application/json', ...headers } }, res: { _res: {} } };
}

function signedHeaders(id = 'msg_verifynode1', body = BODY, when = new Date()): Record<string, string> {
  const signature = new Webhook(WHSEC).sign(id, when, body);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(when.getTime() / 1000)), 'webhook-signature': signature };
}

type StatusSpy = { lastCall: { args: [{ fill?: string; shape?: string; text?: string }] } };
const lastStatus = (id: string) => (helper.getNode(id).status as unknown as StatusSpy).lastCall.args[0];
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`printhooks-verify node (Node-RED ${nodeRedLine})`, () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  it('passes a webhook signed by the standardwebhooks package on output 1 with the JSON body parsed', async () => {
    await helper.load([verifyNode, catchNode], flow({}), { v1: { secrets: WHSEC } });
    const got = next('valid');
    helper.getNode('v1').receive(received(signedHeaders()));
    const msg = await got;
    assert.deepEqual(msg.payload, JSON.parse(BODY));
    const v = msg.verification as Record<string, unknown>;
    assert.equal(v.valid, true);
    assert.equal(v.id, 'msg_verifynode1');
    assert.equal(msg.statusCode, undefined);
  });

  const rejections: [string, () => Record<string, unknown>, string][] = [
    ['a tampered body', () => received(signedHeaders(), BODY.replace('benchy', 'benchx')), 'bad-signature'],
    ['a tampered id', () => received({ ...signedHeaders(), 'webhook-id': 'msg_other' }), 'bad-signature'],
    ['an expired timestamp', () => received(signedHeaders('msg_old', BODY, new Date(Date.now() - 301_000))), 'timestamp-too-old'],
    ['a future timestamp', () => received(signedHeaders('msg_new', BODY, new Date(Date.now() + 301_000))), 'timestamp-too-new'],
    ['an unknown version', () => { const h = signedHeaders(); return received({ ...h, 'webhook-signature': h['webhook-signature'].replace('v1,', 'v9,') }); }, 'unknown-version'],
    ['no signature', () => received({}), 'missing-header'],
    ['a parsed body', () => ({ ...received(signedHeaders()), payload: JSON.parse(BODY) }), 'body-not-raw'],
  ];
  for (const [name, make, reason] of rejections) {
    it(`rejects ${name} on output 2 as ${reason}, ready for a 401 answer`, async () => {
      await helper.load([verifyNode, catchNode], flow({}), { v1: { secrets: WHSEC } });
      const got = next('rejected');
      helper.getNode('v1').receive(make());
      const msg = await got;
      assert.equal((msg.verification as { reason: string }).reason, reason);
      assert.equal(msg.statusCode, 401);
      assert.deepEqual(msg.payload, { error: 'invalid webhook', reason });
    });
  }

  it('rejects a replayed webhook-id and counts valid/rejected in the status', async () => {
    await helper.load([verifyNode, catchNode], flow({}), { v1: { secrets: WHSEC } });
    const headers = signedHeaders('msg_replay');
    const first = next('valid');
    helper.getNode('v1').receive(received(headers));
    await first;
    const second = next('rejected');
    helper.getNode('v1').receive(received(headers));
    assert.equal(((await second).verification as { reason: string }).reason, 'replayed');
    await tick(350);
    assert.deepEqual(lastStatus('v1'), { fill: 'yellow', shape: 'dot', text: 'valid 1 · rejected 1' });
  });

  it('without 401 answering, a rejected msg keeps its body and gets no statusCode', async () => {
    await helper.load([verifyNode, catchNode], flow({ respond401: false, parseJson: false }), { v1: { secrets: WHSEC } });
    const got = next('rejected');
    helper.getNode('v1').receive(received({}));
    const msg = await got;
    assert.equal(msg.statusCode, undefined);
    assert.ok(Buffer.isBuffer(msg.payload));
  });

  it('a short tolerance from the config is applied', async () => {
    await helper.load([verifyNode, catchNode], flow({ tolerance: 5 }), { v1: { secrets: WHSEC } });
    const got = next('rejected');
    helper.getNode('v1').receive(received(signedHeaders('msg_t', BODY, new Date(Date.now() - 10_000))));
    assert.equal(((await got).verification as { reason: string }).reason, 'timestamp-too-old');
  });

  it('verifies v1a (ed25519) from the signer node (msg.headers) with only the whpk_ public key', async () => {
    const whsk = generateSecret('standard-webhooks-ed25519');
    await helper.load([signerNode, verifyNode, catchNode], chain({ scheme: 'standard-webhooks-ed25519' }, { scheme: 'standard-webhooks-ed25519' }), { s1: { secrets: whsk }, v1: { secrets: publicKeyFor(whsk) } });
    const got = next('valid');
    helper.getNode('s1').receive({ payload: { type: 'print.done' } });
    const msg = await got;
    assert.deepEqual(msg.payload, { type: 'print.done' });
    assert.equal((msg.verification as { valid: boolean }).valid, true);
  });

  it('signer → verify round trip for github, stripe, hmac-sha256 and token (Authorization: Bearer)', async () => {
    const schemes: [string, string, Record<string, unknown>][] = [
      ['github', 'gh', {}], ['stripe', 'whsec_abc', {}], ['hmac-sha256', 'h', { header: 'X-Shopify-Hmac-Sha256' }], ['token', 'tok', { header: 'Authorization', secretsInMsg: true }],
    ];
    for (const [scheme, secret, extra] of schemes) {
      await helper.load([signerNode, verifyNode, catchNode], chain({ scheme, ...extra }, { scheme, ...extra }), { s1: { secrets: secret }, v1: { secrets: secret } });
      const got = Promise.race([next('valid'), next('rejected')]);
      helper.getNode('s1').receive({ payload: { scheme } });
      const msg = await got;
      assert.equal((msg.verification as { valid: boolean }).valid, true, scheme);
      await helper.unload();
    }
  });

  const badConfigs: [string, Record<string, unknown>, string, RegExp][] = [
    ['a malformed whpk_', { scheme: 'standard-webhooks-ed25519' }, 'whpk_AAAA', /expected 32/],
    ['an unknown scheme', { scheme: 'svix2' }, 'x', /unknown scheme/],
    ['a negative tolerance', { tolerance: -1 }, WHSEC, /tolerance/],
    ['no secret', {}, '', /no secret/],
  ];
  for (const [name, config, secrets, message] of badConfigs) {
    it(`${name}: red ring status and msgs go to done(err)`, async () => {
      await helper.load([verifyNode, catchNode], flow(config), { v1: { secrets } });
      assert.equal(lastStatus('v1').fill, 'red');
      const caught = next('caught');
      helper.getNode('v1').receive(received(signedHeaders()));
      assert.match(((await caught).error as { message: string }).message, message);
    });
  }

  it('loads a config saved before `version` existed (defaults: 300 s, 401 answers, JSON parsing)', async () => {
    const old = flow({});
    const v1 = old[1] as Record<string, unknown>;
    for (const k of ['version', 'header', 'encoding', 'tolerance', 'respond401', 'parseJson']) delete v1[k];
    await helper.load([verifyNode, catchNode], old, { v1: { secrets: WHSEC } });
    const valid = next('valid');
    helper.getNode('v1').receive(received(signedHeaders('msg_old_config')));
    assert.deepEqual((await valid).payload, JSON.parse(BODY));
    const rejected = next('rejected');
    helper.getNode('v1').receive(received(signedHeaders('msg_old_config2', BODY, new Date(Date.now() - 301_000))));
    const msg = await rejected;
    assert.equal((msg.verification as { reason: string }).reason, 'timestamp-too-old');
    assert.equal(msg.statusCode, 401);
  });

  it('admin endpoint generates a key pair for receivers', async () => {
    await helper.load([verifyNode, catchNode], flow({}), { v1: { secrets: WHSEC } });
    const res = await helper.request().post('/printhooks-verify/keys').send({ action: 'generate', scheme: 'standard-webhooks-ed25519' }).expect(200);
    assert.equal(res.body.publicKey, publicKeyFor(res.body.secret));
  });
});
