import assert from 'node:assert/strict';
import { createAttemptSigner } from '../../../src/sign/attempt-signer';
import { parseSigningConfig } from '../../../src/sign/config';
import type { SchemeName } from '../../../src/sign/scheme';
import { WebhookVerifier } from '../../../src/sign/verify';

// Our own vectors, frozen: expected values computed once with the openssl CLI (not node:crypto), e.g.
// printf '%s' "evt_frozen.1763900000.$BODY" | openssl dgst -sha256 -mac HMAC -macopt hexkey:<key hex> -binary | base64
const BODY = Buffer.from('{"id":"evt_frozen","type":"print.done","printer":{"name":"Prusa MK4 °C"}}', 'utf8');
const ID = 'evt_frozen';
const TS = 1_763_900_000;

const VECTORS: { scheme: SchemeName; secret: string; header: string; value: string }[] = [
  { scheme: 'standard-webhooks', secret: 'whsec_cHJpbnRob29rcy1mcm96ZW4tdmVjdG9yLWtleS0zMmI=', header: 'webhook-signature', value: 'v1,zlIsvPbCTOWOLhLjiXVV5kpNVKMunPHunJhCCTaQqOk=' },
  { scheme: 'github', secret: 'gh-frozen', header: 'x-hub-signature-256', value: 'sha256=77ac0b9a97d646873be0ef45044f605ae1361ce30f409a4a731d33b1318bf793' },
  { scheme: 'stripe', secret: 'whsec_frozen', header: 'stripe-signature', value: `t=${TS},v1=ae6819799d886f863bb23bd3aa2d4c6959a3e920f7e439d49872c8bca61ea9fe` },
  { scheme: 'hmac-sha256', secret: 'p1-frozen', header: 'x-webhook-hmac-sha256', value: 'aX0PcvrulVHPOEb7vHvkLvesppHVjLtk5rRm+Yy0AG4=' },
  { scheme: 'slack', secret: 'slack-frozen', header: 'x-slack-signature', value: 'v0=728a10fe6bea91244593349e28b9398718fcf460d3a2b3aea1e9a698105dc6f6' },
];

describe('frozen vectors (computed with the openssl CLI over a UTF-8 body)', () => {
  for (const v of VECTORS) {
    it(`${v.scheme}: signs to the frozen value and verifies it`, () => {
      const sign = parseSigningConfig({ scheme: v.scheme }, v.secret, 'sign');
      const verify = parseSigningConfig({ scheme: v.scheme }, v.secret, 'verify');
      assert.ok(sign.ok && verify.ok);
      const headers = createAttemptSigner(sign.config).sign({ id: ID, body: BODY, timestamp: TS });
      assert.equal(headers[v.header], v.value);
      assert.equal(new WebhookVerifier(verify.config).verify(headers, BODY, TS).ok, true);
    });
  }
});
