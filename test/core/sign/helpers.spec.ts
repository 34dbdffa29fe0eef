import assert from 'node:assert/strict';
import { serialiseBody } from '../../../src/sign/body';
import { hasHeader, mergeHeaders } from '../../../src/sign/headers';
import { keyTool, publicKeysOf } from '../../../src/sign/key-tool';
import { generateSecret, publicKeyFor } from '../../../src/sign/keys';
import { decodeVerifiedBody } from '../../../src/sign/received-body';
import { pickWebhookId } from '../../../src/sign/webhook-id';

describe('sign helpers', () => {
  it('serialiseBody: objects once as JSON, strings and Buffers untouched, the rest refused', () => {
    assert.deepEqual(serialiseBody({ a: [1, 'é'] }), { payload: '{"a":[1,"é"]}', bytes: Buffer.from('{"a":[1,"é"]}') });
    const buf = Buffer.from([1, 2, 3]);
    assert.equal(serialiseBody(buf).payload, buf);
    assert.equal(serialiseBody(' x ').payload, ' x ');
    for (const bad of [42, true, null, undefined]) assert.throws(() => serialiseBody(bad), /msg\.payload must be a string, a Buffer or an object/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => serialiseBody(circular), /msg\.payload cannot be serialised as JSON/);
    assert.throws(() => serialiseBody({ toJSON: () => undefined }), /cannot be serialised/);
    assert.throws(() => serialiseBody({ n: BigInt(1) }), /cannot be serialised/);
  });

  it('mergeHeaders replaces a header of the same name in another case and keeps the rest', () => {
    const merged = mergeHeaders({ 'Webhook-Signature': 'old', 'Content-Type': 'application/json' }, { 'webhook-signature': 'new' });
    assert.deepEqual(merged, { 'Content-Type': 'application/json', 'webhook-signature': 'new' });
    assert.deepEqual(mergeHeaders('junk', { a: '1' }), { a: '1' });
    assert.equal(hasHeader(merged, 'content-type'), true);
  });

  it('pickWebhookId: event id first, skips ids with a full stop, else a new msg_ id', () => {
    assert.equal(pickWebhookId(['evt_1', 'p']), 'evt_1');
    assert.equal(pickWebhookId(['a.b', 'ord_2']), 'ord_2');
    assert.equal(pickWebhookId([undefined, 7]).startsWith('msg_'), true);
    assert.notEqual(pickWebhookId([]), pickWebhookId([]));
  });

  it('decodeVerifiedBody parses JSON by content type and leaves binary alone', () => {
    assert.deepEqual(decodeVerifiedBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8'), { a: 1 });
    assert.deepEqual(decodeVerifiedBody(Buffer.from('{"a":1}'), 'application/cloudevents+json'), { a: 1 });
    assert.equal(decodeVerifiedBody(Buffer.from('{bad'), 'application/json'), '{bad');
    assert.equal(decodeVerifiedBody(Buffer.from('a=1'), 'application/x-www-form-urlencoded'), 'a=1');
    const png = Buffer.from([0x89, 0x50]);
    assert.equal(decodeVerifiedBody(png, 'image/png'), png);
  });

  it('keyTool: generate, derive, and refuse anything else; publicKeysOf skips non-ed25519 secrets', () => {
    assert.match(keyTool({ action: 'generate', scheme: 'token' }).body.secret ?? '', /^[0-9a-f]{64}$/);
    assert.equal(keyTool({ action: 'generate', scheme: 'nope' }).status, 400);
    const sk = generateSecret('standard-webhooks-ed25519');
    assert.deepEqual(keyTool({ action: 'public-key', secret: ` ${sk} ` }), { status: 200, body: { publicKey: publicKeyFor(sk) } });
    assert.equal(keyTool({ action: 'public-key', secret: 5 }).status, 400);
    assert.equal(keyTool(undefined).status, 400);
    assert.deepEqual(publicKeysOf([sk, 'whsec_abc']), [publicKeyFor(sk)]);
  });
});
