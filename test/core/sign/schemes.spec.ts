import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { createAttemptSigner } from '../../../src/sign/attempt-signer';
import { parseSigningConfig, type SigningConfig } from '../../../src/sign/config';
import { generateSecret, publicKeyFor } from '../../../src/sign/keys';
import type { SchemeName } from '../../../src/sign/scheme';
import { WebhookVerifier } from '../../../src/sign/verify';

// Our own vectors, computed with node:crypto independently of the code under test.
const SECRET_BYTES = Buffer.from('0123456789abcdef0123456789abcdef', 'utf8');
const WHSEC = `whsec_${SECRET_BYTES.toString('base64')}`;
const ID = 'evt_printhooks0001';
const TS = 1_763_900_000;
const BODY = Buffer.from('{"type":"print.done","printer":{"name":"Ender‑3"}}', 'utf8');

function config(scheme: SchemeName, secrets: string, extra: Record<string, unknown> = {}, role: 'sign' | 'verify' = 'sign'): SigningConfig {
  const parsed = parseSigningConfig({ scheme, ...extra }, secrets, role);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

const hmac = (key: Buffer | string, text: Buffer) => createHmac('sha256', key).update(text).digest();

describe('signature schemes: signing', () => {
  it('standard-webhooks signs id.timestamp.body with the base64-decoded whsec_ key', () => {
    const headers = createAttemptSigner(config('standard-webhooks', WHSEC)).sign({ id: ID, body: BODY, timestamp: TS });
    const expected = hmac(SECRET_BYTES, Buffer.concat([Buffer.from(`${ID}.${TS}.`), BODY])).toString('base64');
    assert.deepEqual(headers, { 'webhook-id': ID, 'webhook-timestamp': String(TS), 'webhook-signature': `v1,${expected}` });
  });

  it('standard-webhooks with two keys sends two space-separated v1 signatures, current key first', () => {
    const old = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const sig = createAttemptSigner(config('standard-webhooks', `${WHSEC}\n\n  ${old}  \n`)).sign({ id: ID, body: BODY, timestamp: TS })['webhook-signature'];
    const parts = sig.split(' ');
    assert.equal(parts.length, 2);
    const content = Buffer.concat([Buffer.from(`${ID}.${TS}.`), BODY]);
    assert.equal(parts[0], `v1,${hmac(SECRET_BYTES, content).toString('base64')}`);
    assert.equal(parts[1], `v1,${hmac(Buffer.alloc(24, 7), content).toString('base64')}`);
  });

  it('standard-webhooks signatures verify with the standardwebhooks npm package (independent oracle)', () => {
    const signer = createAttemptSigner(config('standard-webhooks', WHSEC));
    const now = Math.floor(Date.now() / 1000);
    for (const body of [BODY, Buffer.from('{}'), Buffer.from('{"note": "°C ✓"}')]) {
      const headers = signer.sign({ id: 'msg_oracle', body, timestamp: now });
      assert.doesNotThrow(() => new Webhook(WHSEC).verify(body.toString('utf8'), headers));
      assert.throws(() => new Webhook(WHSEC).verify(body.toString('utf8') + ' ', headers));
    }
    const theirs = new Webhook(WHSEC).sign('msg_theirs', new Date(TS * 1000), BODY.toString('utf8'));
    assert.equal(signer.sign({ id: 'msg_theirs', body: BODY, timestamp: TS })['webhook-signature'], theirs);
  });

  it('github: sha256=<hex> of the body with the first secret, delivery id', () => {
    const headers = createAttemptSigner(config('github', 'gh-secret\nold')).sign({ id: ID, body: BODY, timestamp: TS });
    assert.deepEqual(headers, { 'x-hub-signature-256': `sha256=${hmac('gh-secret', BODY).toString('hex')}`, 'x-github-delivery': ID });
  });

  it('stripe: t=<ts>,v1=<hex of ts.body> per secret, the whole whsec_ text is the key', () => {
    const headers = createAttemptSigner(config('stripe', 'whsec_a\nwhsec_b')).sign({ id: ID, body: BODY, timestamp: TS });
    const content = Buffer.concat([Buffer.from(`${TS}.`), BODY]);
    assert.equal(headers['stripe-signature'], `t=${TS},v1=${hmac('whsec_a', content).toString('hex')},v1=${hmac('whsec_b', content).toString('hex')}`);
  });

  it('hmac-sha256: base64 by default in x-webhook-hmac-sha256, hex and a custom header on request', () => {
    assert.deepEqual(createAttemptSigner(config('hmac-sha256', 'k')).sign({ id: ID, body: BODY, timestamp: TS }),
      { 'x-webhook-hmac-sha256': hmac('k', BODY).toString('base64') });
    const hex = createAttemptSigner(config('hmac-sha256', 'k', { header: 'X-Shopify-Hmac-Sha256', encoding: 'hex' }));
    assert.deepEqual(hex.headerNames, ['x-shopify-hmac-sha256']);
    assert.deepEqual(hex.sign({ id: ID, body: BODY, timestamp: TS }), { 'x-shopify-hmac-sha256': hmac('k', BODY).toString('hex') });
  });

  it('token: the secret in the named header; Authorization gets a Bearer prefix', () => {
    assert.deepEqual(createAttemptSigner(config('token', 'tok1\ntok0')).sign({ id: ID, body: BODY, timestamp: TS }), { 'x-sp-token': 'tok1' });
    assert.deepEqual(createAttemptSigner(config('token', 'tok1', { header: 'Authorization' })).sign({ id: ID, body: BODY, timestamp: TS }),
      { authorization: 'Bearer tok1' });
  });

  it('lists every header it may set, token header included', () => {
    assert.deepEqual([...createAttemptSigner(config('standard-webhooks', WHSEC)).headerNames], ['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    assert.deepEqual([...createAttemptSigner(config('token', 't', { header: 'X-API-Key' })).headerNames], ['x-api-key']);
    assert.deepEqual([...createAttemptSigner(config('github', 't')).headerNames], ['x-hub-signature-256', 'x-github-delivery']);
  });

  it('each attempt gets its own timestamp and signature', () => {
    const signer = createAttemptSigner(config('standard-webhooks', WHSEC));
    const a = signer.sign({ id: ID, body: BODY, timestamp: TS });
    const b = signer.sign({ id: ID, body: BODY, timestamp: TS + 3600 });
    assert.equal(b['webhook-timestamp'], String(TS + 3600));
    assert.notEqual(a['webhook-signature'], b['webhook-signature']);
    assert.equal(a['webhook-id'], b['webhook-id']);
  });

  it('refuses bad attempt inputs instead of signing something else', () => {
    const signer = createAttemptSigner(config('standard-webhooks', WHSEC));
    assert.throws(() => signer.sign({ id: 'a.b', body: BODY, timestamp: TS }), /full stop/);
    assert.throws(() => signer.sign({ id: ID, body: 'x' as never, timestamp: TS }), /Buffer/);
    assert.throws(() => signer.sign({ id: ID, body: BODY, timestamp: 1.5 }), /whole/);
  });
});

describe('signature schemes: ed25519 (v1a)', () => {
  it('generates whsk_ keys whose signatures verify with the matching whpk_', () => {
    const sk = generateSecret('standard-webhooks-ed25519');
    assert.match(sk, /^whsk_[A-Za-z0-9+/]{86}==$/);
    const pk = publicKeyFor(sk);
    assert.match(pk, /^whpk_[A-Za-z0-9+/]{43}=$/);
    const headers = createAttemptSigner(config('standard-webhooks-ed25519', sk)).sign({ id: ID, body: BODY, timestamp: TS });
    assert.match(headers['webhook-signature'], /^v1a,[A-Za-z0-9+/]{86}==$/);
    const verifier = new WebhookVerifier(config('standard-webhooks-ed25519', pk, {}, 'verify'));
    assert.deepEqual(verifier.verify(headers, BODY, TS), { ok: true, id: ID, timestamp: TS });
    const other = new WebhookVerifier(config('standard-webhooks-ed25519', publicKeyFor(generateSecret('standard-webhooks-ed25519')), {}, 'verify'));
    assert.equal((other.verify(headers, BODY, TS) as { reason: string }).reason, 'bad-signature');
  });

  it('accepts a 32-byte seed and refuses a whsk_ whose public half does not match', () => {
    const sk = generateSecret('standard-webhooks-ed25519');
    const raw = Buffer.from(sk.slice(5), 'base64');
    const seedOnly = `whsk_${raw.subarray(0, 32).toString('base64')}`;
    assert.equal(publicKeyFor(seedOnly), publicKeyFor(sk));
    raw[40] ^= 1;
    const parsed = parseSigningConfig({ scheme: 'standard-webhooks-ed25519' }, `whsk_${raw.toString('base64')}`, 'sign');
    assert.equal(parsed.ok, false);
    assert.match((parsed as { error: string }).error, /inconsistent/);
  });
});

describe('signature config: bad secrets and schemes', () => {
  const cases: [string, Record<string, unknown>, unknown, RegExp][] = [
    ['unknown scheme', { scheme: 'md5' }, 'x', /unknown scheme "md5"/],
    ['no secret', { scheme: 'github' }, '  \n ', /no secret/],
    ['missing credentials', { scheme: 'token' }, undefined, /no secret/],
    ['whsec_ without prefix', { scheme: 'standard-webhooks' }, 'abc', /must start with whsec_/],
    ['empty whsec_', { scheme: 'standard-webhooks' }, 'whsec_', /not valid base64/],
    ['whsec_ not base64', { scheme: 'standard-webhooks' }, 'whsec_###', /not valid base64/],
    ['whsec_ too short', { scheme: 'standard-webhooks' }, 'whsec_AAAA', /at least 16/],
    ['second line malformed', { scheme: 'standard-webhooks' }, `${WHSEC}\nwhsec_%%`, /not valid base64/],
    ['whsk_ wrong length', { scheme: 'standard-webhooks-ed25519' }, 'whsk_AAAA', /expected 64/],
    ['whsec_ given to ed25519', { scheme: 'standard-webhooks-ed25519' }, WHSEC, /must start with whsk_/],
    ['bad header name', { scheme: 'token', header: 'X Token' }, 't', /not a valid HTTP header name/],
    ['bad encoding', { scheme: 'hmac-sha256', encoding: 'base32' }, 't', /base64 or hex/],
  ];
  for (const [name, raw, secrets, message] of cases) {
    it(`rejects ${name}`, () => {
      const parsed = parseSigningConfig(raw, secrets, 'sign');
      assert.equal(parsed.ok, false);
      assert.match((parsed as { error: string }).error, message);
      if (typeof secrets === 'string' && secrets.length > 8) assert.ok(!(parsed as { error: string }).error.includes(secrets.split('\n')[0]), 'error must not echo the secret');
    });
  }

  it('verify accepts a whpk_ list, sign refuses it', () => {
    const pk = publicKeyFor(generateSecret('standard-webhooks-ed25519'));
    assert.equal(parseSigningConfig({ scheme: 'standard-webhooks-ed25519' }, pk, 'verify').ok, true);
    assert.equal(parseSigningConfig({ scheme: 'standard-webhooks-ed25519' }, pk, 'sign').ok, false);
  });

  it('generates secrets in each scheme format', () => {
    assert.match(generateSecret('standard-webhooks'), /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.match(generateSecret('stripe'), /^whsec_[0-9a-f]{64}$/);
    assert.match(generateSecret('token'), /^[0-9a-f]{64}$/);
    assert.notEqual(generateSecret('github'), generateSecret('github'));
    for (const scheme of ['standard-webhooks', 'standard-webhooks-ed25519', 'github', 'stripe', 'hmac-sha256', 'token', 'slack'] as const) {
      assert.equal(parseSigningConfig({ scheme }, generateSecret(scheme), 'sign').ok, true, scheme);
    }
  });
});
