// Conformance: every published vector in ../shared/fixtures/signatures signs and verifies.
// Run by `npm run test:conformance` (not by `npm test`): the fixtures are read at run time, never copied.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAttemptSigner } from '../../src/sign/attempt-signer';
import { parseSigningConfig } from '../../src/sign/config';
import { publicKeyFor } from '../../src/sign/keys';
import type { SchemeName } from '../../src/sign/scheme';
import { WebhookVerifier } from '../../src/sign/verify';

const repoRoot = path.resolve(__dirname, '..', '..');
const fixtures = process.env.PRINTHOOKS_SHARED_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures');
const file = path.join(fixtures, 'signatures', 'vectors.json');

interface Vector {
  name: string;
  scheme: string;
  secret: string;
  public_key?: string;
  id: string | null;
  timestamp: number | null;
  payload: string;
  headers: Record<string, string>;
  expected_header: { name: string; value: string };
}
interface VerifyCase { name: string; vector: string; headers: Record<string, string>; payload: string; now: number; valid: boolean }

// Vector scheme names → our scheme and options.
const SCHEME_OF: Record<string, SchemeName> = {
  'standard-webhooks-v1': 'standard-webhooks',
  'standard-webhooks-v1a': 'standard-webhooks-ed25519',
  'github-sha256': 'github',
  'slack-v0': 'slack',
  'stripe-v1': 'stripe',
  'hmac-sha256-base64-body': 'hmac-sha256',
};

function configFor(v: Vector, role: 'sign' | 'verify', secret = v.secret) {
  const scheme = SCHEME_OF[v.scheme];
  assert.ok(scheme, `no scheme for vector scheme ${v.scheme}`);
  const parsed = parseSigningConfig({ scheme, header: scheme === 'hmac-sha256' ? v.expected_header.name : '', encoding: 'base64' }, secret, role);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

describe('conformance: signature vectors (shared/fixtures/signatures)', () => {
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { vectors: Vector[]; verify_cases: { tolerance_s: number; cases: VerifyCase[] } };

  it('has vectors to check', () => assert.ok(data.vectors.length >= 10));

  for (const v of data.vectors) {
    const body = Buffer.from(v.payload, 'utf8');
    const timestamp = v.timestamp ?? 1_700_000_000;
    const id = v.id ?? 'msg_conformance';

    it(`signs: ${v.name}`, () => {
      const headers = createAttemptSigner(configFor(v, 'sign')).sign({ id, body, timestamp });
      assert.equal(headers[v.expected_header.name.toLowerCase()], v.expected_header.value);
    });

    it(`verifies: ${v.name}`, () => {
      const verifier = new WebhookVerifier(configFor(v, 'verify', v.public_key ?? v.secret));
      assert.deepEqual(verifier.verify(v.headers, body, timestamp).ok, true);
      const tampered = Buffer.concat([body, Buffer.from(' ')]);
      const again = new WebhookVerifier(configFor(v, 'verify', v.public_key ?? v.secret));
      assert.equal((again.verify(v.headers, tampered, timestamp) as { reason?: string }).reason, 'bad-signature');
    });

    if (v.public_key) {
      it(`derives the public key: ${v.name}`, () => assert.equal(publicKeyFor(v.secret), v.public_key));
    }
  }

  for (const c of data.verify_cases.cases) {
    it(`verify case: ${c.name}`, () => {
      const v = data.vectors.find((x) => x.name === c.vector);
      assert.ok(v);
      const verifier = new WebhookVerifier(configFor(v, 'verify'), data.verify_cases.tolerance_s);
      assert.equal(verifier.verify(c.headers, Buffer.from(c.payload, 'utf8'), c.now).ok, c.valid);
    });
  }
});
