import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createAttemptSigner } from '../../../src/sign/attempt-signer';
import { parseSigningConfig, type SigningConfig } from '../../../src/sign/config';
import { ReplayGuard } from '../../../src/sign/replay-guard';
import { safeEqual } from '../../../src/sign/timing';
import type { SchemeName } from '../../../src/sign/scheme';
import { normaliseHeaders, WebhookVerifier } from '../../../src/sign/verify';

const WHSEC = `whsec_${Buffer.from('printhooks-test-key-0123456789ab').toString('base64')}`;
const ID = 'evt_verify0001';
const TS = 1_763_900_000;
const BODY = Buffer.from('{"type":"print.started","job":{"file":"benchy.gcode"}}');

function config(scheme: SchemeName, secrets: string, extra: Record<string, unknown> = {}): SigningConfig {
  const parsed = parseSigningConfig({ scheme, ...extra }, secrets, 'verify');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}
const reason = (o: unknown) => (o as { reason?: string }).reason ?? 'ok';

describe('WebhookVerifier: standard-webhooks', () => {
  const signed = createAttemptSigner(config('standard-webhooks', WHSEC)).sign({ id: ID, body: BODY, timestamp: TS });
  const fresh = () => new WebhookVerifier(config('standard-webhooks', WHSEC), 300);

  it('accepts a genuine webhook and reports its id and timestamp', () => {
    assert.deepEqual(fresh().verify(signed, BODY, TS), { ok: true, id: ID, timestamp: TS });
  });

  const cases: [string, Record<string, string>, Buffer | string, number, string][] = [
    ['tampered body', signed, Buffer.from(BODY.toString().replace('benchy', 'benchx')), TS, 'bad-signature'],
    ['re-serialised body', signed, JSON.stringify(JSON.parse(BODY.toString()), null, 1), TS, 'bad-signature'],
    ['tampered id', { ...signed, 'webhook-id': 'evt_verify0002' }, BODY, TS, 'bad-signature'],
    ['tampered timestamp', { ...signed, 'webhook-timestamp': String(TS + 1) }, BODY, TS, 'bad-signature'],
    ['expired timestamp', signed, BODY, TS + 301, 'timestamp-too-old'],
    ['future timestamp', signed, BODY, TS - 301, 'timestamp-too-new'],
    ['non-integer timestamp', { ...signed, 'webhook-timestamp': `${TS}.0` }, BODY, TS, 'bad-timestamp'],
    ['negative timestamp', { ...signed, 'webhook-timestamp': '-5' }, BODY, TS, 'bad-timestamp'],
    ['unknown version', { ...signed, 'webhook-signature': signed['webhook-signature'].replace('v1,', 'v2,') }, BODY, TS, 'unknown-version'],
    ['empty signature', { ...signed, 'webhook-signature': 'v1,' }, BODY, TS, 'bad-signature'],
    ['missing signature', { 'webhook-id': ID, 'webhook-timestamp': String(TS) }, BODY, TS, 'missing-header'],
    ['missing timestamp', { 'webhook-id': ID, 'webhook-signature': signed['webhook-signature'] }, BODY, TS, 'missing-header'],
  ];
  for (const [name, headers, body, now, expected] of cases) {
    it(`rejects a ${name} as ${expected}`, () => assert.equal(reason(fresh().verify(headers, body, now)), expected));
  }

  it('accepts timestamps exactly at the tolerance in both directions', () => {
    assert.equal(reason(fresh().verify(signed, BODY, TS + 300)), 'ok');
    assert.equal(reason(fresh().verify(signed, BODY, TS - 300)), 'ok');
  });

  it('matches header names case-insensitively and accepts a rotation list with one valid entry', () => {
    const upper = { 'Webhook-Id': ID, 'WEBHOOK-TIMESTAMP': String(TS), 'Webhook-Signature': `v1a,AAAA v1,Zm9v ${signed['webhook-signature']}` };
    assert.equal(reason(fresh().verify(upper, BODY, TS)), 'ok');
  });

  it('verifies with any configured key (the receiver rotates too)', () => {
    const other = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const v = new WebhookVerifier(config('standard-webhooks', `${other}\n${WHSEC}`));
    assert.equal(reason(v.verify(signed, BODY, TS)), 'ok');
  });

  it('rejects the same webhook-id a second time within the window, and not a different id', () => {
    const v = fresh();
    assert.equal(reason(v.verify(signed, BODY, TS)), 'ok');
    assert.equal(reason(v.verify(signed, BODY, TS + 10)), 'replayed');
    const other = createAttemptSigner(config('standard-webhooks', WHSEC)).sign({ id: 'evt_other', body: BODY, timestamp: TS });
    assert.equal(reason(v.verify(other, BODY, TS + 10)), 'ok');
  });

  it('does not record ids of rejected webhooks (a forged request cannot block the real one)', () => {
    const v = fresh();
    assert.equal(reason(v.verify({ ...signed, 'webhook-signature': 'v1,Zm9v' }, BODY, TS)), 'bad-signature');
    assert.equal(reason(v.verify(signed, BODY, TS)), 'ok');
  });

  it('rejects a body that was parsed into an object, naming the http in option', () => {
    const out = fresh().verify(signed, JSON.parse(BODY.toString()), TS);
    assert.equal(reason(out), 'body-not-raw');
    assert.match((out as { message: string }).message, /Do not parse request body/);
  });
});

describe('WebhookVerifier: other schemes', () => {
  const hmacHex = (key: string, text: string | Buffer) => createHmac('sha256', key).update(text).digest('hex');

  it('github: valid, tampered, wrong prefix, missing', () => {
    const v = new WebhookVerifier(config('github', 'gh'));
    const sig = `sha256=${hmacHex('gh', BODY)}`;
    assert.equal(reason(v.verify({ 'x-hub-signature-256': sig }, BODY, TS)), 'ok');
    assert.equal(reason(v.verify({ 'x-hub-signature-256': sig }, Buffer.concat([BODY, Buffer.from(' ')]), TS)), 'bad-signature');
    assert.equal(reason(v.verify({ 'x-hub-signature-256': sig.replace('sha256', 'sha1') }, BODY, TS)), 'unknown-version');
    assert.equal(reason(v.verify({}, BODY, TS)), 'missing-header');
  });

  it('github: a redelivery with the same X-GitHub-Delivery is a replay', () => {
    const v = new WebhookVerifier(config('github', 'gh'));
    const h = { 'x-hub-signature-256': `sha256=${hmacHex('gh', BODY)}`, 'x-github-delivery': 'd-1' };
    assert.equal(reason(v.verify(h, BODY, TS)), 'ok');
    assert.equal(reason(v.verify(h, BODY, TS + 1)), 'replayed');
  });

  it('stripe: valid, expired, future, missing t, unknown version', () => {
    const v = new WebhookVerifier(config('stripe', 'whsec_s'), 300);
    const header = `t=${TS},v0=abc,v1=${hmacHex('whsec_s', `${TS}.${BODY}`)}`;
    assert.equal(reason(v.verify({ 'stripe-signature': header }, BODY, TS)), 'ok');
    assert.equal(reason(v.verify({ 'stripe-signature': header }, BODY, TS + 301)), 'timestamp-too-old');
    assert.equal(reason(v.verify({ 'stripe-signature': header }, BODY, TS - 301)), 'timestamp-too-new');
    assert.equal(reason(v.verify({ 'stripe-signature': header.replace(`t=${TS},`, '') }, BODY, TS)), 'malformed-header');
    assert.equal(reason(v.verify({ 'stripe-signature': `t=${TS},v0=abc` }, BODY, TS)), 'unknown-version');
  });

  it('hmac-sha256: base64 and hex in a named header', () => {
    const b64 = new WebhookVerifier(config('hmac-sha256', 'p1'));
    assert.equal(reason(b64.verify({ 'x-webhook-hmac-sha256': createHmac('sha256', 'p1').update(BODY).digest('base64') }, BODY, TS)), 'ok');
    assert.equal(reason(b64.verify({ 'x-webhook-hmac-sha256': 'AAAA' }, BODY, TS)), 'bad-signature');
    const hex = new WebhookVerifier(config('hmac-sha256', 'p1', { header: 'X-Sig', encoding: 'hex' }));
    assert.equal(reason(hex.verify({ 'x-sig': hmacHex('p1', BODY).toUpperCase() }, BODY, TS)), 'ok');
    assert.equal(reason(hex.verify({ 'x-webhook-hmac-sha256': hmacHex('p1', BODY) }, BODY, TS)), 'missing-header');
  });

  it('token: exact match in the header, Bearer in Authorization', () => {
    const v = new WebhookVerifier(config('token', 'new\nold'));
    assert.equal(reason(v.verify({ 'x-sp-token': 'old' }, BODY, TS)), 'ok');
    assert.equal(reason(v.verify({ 'x-sp-token': 'ol' }, BODY, TS)), 'bad-signature');
    const bearer = new WebhookVerifier(config('token', 'abc', { header: 'Authorization' }));
    assert.equal(reason(bearer.verify({ authorization: 'Bearer abc' }, BODY, TS)), 'ok');
    assert.equal(reason(bearer.verify({ authorization: 'Basic abc' }, BODY, TS)), 'unknown-version');
  });

  it('every scheme verifies what the same scheme signs', () => {
    const schemes: [SchemeName, string][] = [['standard-webhooks', WHSEC], ['github', 'g'], ['stripe', 'whsec_x'], ['hmac-sha256', 'h'], ['token', 't'], ['slack', 's']];
    for (const [scheme, secret] of schemes) {
      const headers = createAttemptSigner(config(scheme, secret)).sign({ id: ID, body: BODY, timestamp: TS });
      assert.equal(reason(new WebhookVerifier(config(scheme, secret)).verify(headers, BODY, TS)), 'ok', scheme);
    }
  });
});

describe('verify helpers', () => {
  it('normaliseHeaders lower-cases names and joins repeated values', () => {
    assert.deepEqual(normaliseHeaders({ 'X-A': 'x', B: ['1', '2'], C: 3, D: undefined }), { 'x-a': 'x', b: '1, 2', c: '3' });
    assert.deepEqual(normaliseHeaders(null), {});
  });

  it('ReplayGuard forgets ids after the window and keeps at most max ids', () => {
    const g = new ReplayGuard(10, 3);
    g.record('a', 100);
    assert.equal(g.has('a', 110), true);
    assert.equal(g.has('a', 111), false);
    for (const id of ['b', 'c', 'd', 'e']) g.record(id, 105);
    assert.equal(g.size, 3);
    assert.equal(g.has('b', 106), false);
    assert.equal(g.has('e', 106), true);
    g.record('f', 200);
    assert.equal(g.size, 1);
  });
});

describe('safeEqual', () => {
  it('is true only for identical strings, whatever the lengths', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abd', 'abc'), false);
    assert.equal(safeEqual('ab', 'abc'), false);
    assert.equal(safeEqual('abcd', 'abc'), false);
    assert.equal(safeEqual('', 'abc'), false);
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual('\u0000bc', 'abc'), false);
  });
});
