import { strict as assert } from 'assert';
import { authHeaders, parseEndpointConfig } from '../../../src/delivery/endpoint-config';
import { parseSenderConfig } from '../../../src/delivery/sender-config';
import { msgFromRequest, requestFromMsg } from '../../../src/delivery/request-from-msg';

describe('delivery/request-from-msg', () => {
  it('serialises an unsigned object payload as JSON and takes the id from msg.event, then payload', () => {
    const r = requestFromMsg({ payload: { id: 'evt_p', type: 'print.done' }, event: { id: 'evt_e', type: 'print.done' } }, { allowOverride: false });
    assert.equal(r.body.toString(), '{"id":"evt_p","type":"print.done"}');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.webhookId, 'evt_e');
    assert.equal(r.eventType, 'print.done');
    assert.equal(requestFromMsg({ payload: { id: 'evt_p' } }, { allowOverride: false }).webhookId, 'evt_p');
    assert.match(requestFromMsg({ payload: 'x' }, { allowOverride: false }).webhookId, /^msg_[0-9a-f]{32}$/);
  });

  it('keeps a signed msg byte-exact and strips the signer headers before storing', () => {
    const r = requestFromMsg(
      { payload: '{"a":1}', headers: { 'Content-Type': 'application/json', 'Webhook-Signature': 'v1,xx', 'X-Custom': 7 }, webhook: { id: 'evt_1', timestamp: 1, signer: 'n1' } },
      { allowOverride: false, stripHeaders: ['webhook-signature', 'webhook-timestamp'] },
    );
    assert.equal(r.body.toString(), '{"a":1}');
    assert.deepEqual(r.headers, { 'content-type': 'application/json', 'x-custom': '7' });
    assert.equal(r.signer, 'n1');
    assert.equal(r.webhookId, 'evt_1');
  });

  it('msg.url and msg.method override only when allowed', () => {
    const msg = { payload: 'x', url: 'https://example.test/hook', method: 'put' };
    const denied = requestFromMsg(msg, { allowOverride: false });
    assert.equal(denied.url, undefined);
    assert.equal(denied.method, 'POST');
    const allowed = requestFromMsg(msg, { allowOverride: true });
    assert.equal(allowed.url, 'https://example.test/hook');
    assert.equal(allowed.method, 'PUT');
  });

  it('names the field for bad input', () => {
    assert.throws(() => requestFromMsg({}, { allowOverride: false }), /msg.payload/);
    assert.throws(() => requestFromMsg({ payload: 'x', headers: 'h' }, { allowOverride: false }), /msg.headers/);
    assert.throws(() => requestFromMsg({ payload: 'x', url: 'ftp://x' }, { allowOverride: true }), /msg.url/);
    assert.throws(() => requestFromMsg({ payload: 'x', url: 'not a url' }, { allowOverride: true }), /msg.url/);
    assert.throws(() => requestFromMsg({ payload: 'x', method: 'BREW' }, { allowOverride: true }), /msg.method/);
    assert.throws(() => requestFromMsg({ payload: 'x', webhook: { signer: 5 } }, { allowOverride: false }), /msg.webhook.signer/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => requestFromMsg({ payload: circular }, { allowOverride: false }), /msg.payload/);
  });

  it('rebuilds the output msg with the payload in its original form', () => {
    const json = requestFromMsg({ payload: { a: 1 }, topic: 'print.done', _msgid: 'm1' }, { allowOverride: false });
    assert.deepEqual(msgFromRequest(json).payload, { a: 1 });
    assert.equal(msgFromRequest(json).topic, 'print.done');
    assert.equal(msgFromRequest(json)._msgid, 'm1');
    assert.equal(msgFromRequest(requestFromMsg({ payload: 'text' }, { allowOverride: false })).payload, 'text');
    assert.ok(Buffer.isBuffer(msgFromRequest(requestFromMsg({ payload: Buffer.from([1, 2]) }, { allowOverride: false })).payload));
  });
});

describe('delivery/endpoint and sender config', () => {
  it('parses an endpoint with defaults and names bad fields', () => {
    assert.deepEqual(parseEndpointConfig({ url: 'https://x.test/h' }).config, {
      url: 'https://x.test/h',
      method: 'POST',
      timeoutMs: 15000,
      allowOverride: false,
      tlsInsecure: false,
      access: { auth: 'none', proxy: { mode: 'env' }, httpsOnly: false, destinations: 'default' },
    });
    assert.deepEqual(parseEndpointConfig({ url: 'ftp://x' }).errors, ['url must be http:// or https://, not ftp:']);
    assert.match(parseEndpointConfig({ url: '' }).errors[0], /url is empty/);
    assert.equal(parseEndpointConfig({ url: '', allowOverride: true }).errors.length, 0);
    assert.match(parseEndpointConfig({ url: 'http://x', method: 'GET' }).errors[0], /method/);
    assert.match(parseEndpointConfig({ url: 'http://x', timeout: 'soon' }).errors[0], /timeout/);
  });

  it('builds auth headers: bearer wins over basic', () => {
    assert.deepEqual(authHeaders({ token: 't', username: 'u' }), { authorization: 'Bearer t' });
    assert.deepEqual(authHeaders({ username: 'u', password: 'p' }), { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    assert.deepEqual(authHeaders({}), {});
    // with an explicit auth only that one is used
    assert.deepEqual(authHeaders({ token: 't', username: 'u', password: 'p' }, 'basic'), { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    assert.deepEqual(authHeaders({ token: 't' }, 'oauth2'), {});
    assert.deepEqual(authHeaders({ token: 't' }, 'none'), {});
  });

  it('parses sender settings with the Svix defaults', () => {
    assert.deepEqual(parseSenderConfig({}).config, { concurrency: 4, ordered: false, schedule: [5, 300, 1800, 7200, 18000, 36000, 36000], jitter: 0.2, overloadDelay: 60, ttlMs: new Map() });
    assert.deepEqual([...parseSenderConfig({ ttl: 'print.progress=600' }).config!.ttlMs], [['print.progress', 600_000]]);
    assert.match(parseSenderConfig({ ttl: 'print.done=1' }).errors[0], /never expires/);
    assert.match(parseSenderConfig({ concurrency: 0 }).errors[0], /concurrency/);
    assert.match(parseSenderConfig({ retrySchedule: '5,x' }).errors[0], /retrySchedule/);
    assert.match(parseSenderConfig({ jitter: 2 }).errors[0], /jitter/);
  });
});
