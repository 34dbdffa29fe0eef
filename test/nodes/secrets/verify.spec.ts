// Secrets never leak (docs/secrets.md): verify, fed by the signer. Shared set-up in ./environment.ts.
import assert from 'node:assert/strict';
import { createAttemptSigner } from '../../../src/sign/attempt-signer';
import { parseSigningConfig } from '../../../src/sign/config';
import { publicKeyFor } from '../../../src/sign/keys';
import signerNode = require('../../../nodes/printhooks-signer/printhooks-signer');
import verifyNode = require('../../../nodes/printhooks-verify/printhooks-verify');
import { helper, nodeRedLine } from '../helper';
import { secret, type Secret } from '../leak-audit';
import { auditEnvironment, catchNode, collect, node, red, until } from './environment';
import { GITHUB, HMAC, SIGNING_SECRETS, STRIPE, TOKEN, WHSEC, WHSK } from './signing-secrets';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  const t = auditEnvironment();

  describe('verify', () => {
    const types = [signerNode, verifyNode, catchNode];
    const BODY = '{"type":"print.done","data":{"file":"benchy.gcode"}}';
    const VERIFIERS: Array<[string, string, string, string, Record<string, unknown>]> = [
      ['sw', 'standard-webhooks', WHSEC, WHSEC, {}],
      ['ed', 'standard-webhooks-ed25519', WHSK, publicKeyFor(WHSK), {}],
      ['gh', 'github', GITHUB, GITHUB, {}],
      ['stripe', 'stripe', STRIPE, STRIPE, {}],
      ['hmac', 'hmac-sha256', HMAC, HMAC, { header: 'X-Signature', encoding: 'hex' }],
      // signer → verify in one flow, without our sender in between: the token must be in the msg (opt-in)
      ['token', 'token', TOKEN, TOKEN, { header: 'Authorization', secretsInMsg: true }],
    ];
    const flowOf = (extraNodes: object[] = []) => [
      { id: 't1', type: 'tab' },
      ...VERIFIERS.flatMap(([id, scheme, , , extra]) => [
        { id: `sg-${id}`, z: 't1', type: 'printhooks-signer', scheme, version: 1, ...extra, wires: [[`v-${id}`]] },
        { id: `v-${id}`, z: 't1', type: 'printhooks-verify', scheme, tolerance: 300, respond401: true, parseJson: true, version: 1, ...extra, wires: [['valid'], ['rejected']] },
      ]),
      ...extraNodes,
      { id: 'c1', z: 't1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'valid', z: 't1', type: 'helper' },
      { id: 'rejected', z: 't1', type: 'helper' },
      { id: 'caught', z: 't1', type: 'helper' },
    ];
    const credentialsOf = (extra: Record<string, { secrets: string }> = {}) => ({
      ...Object.fromEntries(VERIFIERS.flatMap(([id, , signWith, verifyWith]) => [[`sg-${id}`, { secrets: signWith }], [`v-${id}`, { secrets: verifyWith }]])),
      ...extra,
    });

    it('normal path: signer → verify for every scheme, valid msgs carry no secret (but the received token header)', async () => {
      await t.audit.load(types, flowOf(), credentialsOf());
      const valid = collect('valid');
      for (const [id] of VERIFIERS) node(`sg-${id}`).receive({ payload: JSON.parse(BODY) });
      await until(() => valid.length === VERIFIERS.length, 'every webhook verified');
      const keys = [
        await t.audit.admin('post', '/printhooks-verify/keys', { action: 'generate', scheme: 'standard-webhooks' }),
        await t.audit.admin('post', '/printhooks-verify/keys', { action: 'generate', scheme: 'standard-webhooks-ed25519' }),
      ];
      assert.ok(keys.every((k) => typeof k.body.secret === 'string' && k.body.secret !== WHSEC && k.body.secret !== WHSK));
      await helper.unload();
      const hay = t.audit.assertNoLeak(SIGNING_SECRETS, { authorization: `Bearer ${TOKEN}` });
      assert.match(hay, /"valid":true/);
    });

    it('forged signatures, wrong token, bad msgs and bad config: neither the secret nor the expected signature leaks', async () => {
      const BAD = 'whsec_SECRET-verify-bad-7f3a$$';
      const BAD_PK = 'whpk_SECRET-verify-bad-pk-7f3a';
      await t.audit.load(
        types,
        flowOf([
          { id: 'v-bad', z: 't1', type: 'printhooks-verify', scheme: 'standard-webhooks', version: 1, wires: [['valid'], ['rejected']] },
          { id: 'v-badpk', z: 't1', type: 'printhooks-verify', scheme: 'standard-webhooks-ed25519', version: 1, wires: [['valid'], ['rejected']] },
          { id: 'v-tol', z: 't1', type: 'printhooks-verify', scheme: 'github', tolerance: 'soon', version: 1, wires: [['valid'], ['rejected']] },
        ]),
        credentialsOf({ 'v-bad': { secrets: BAD }, 'v-badpk': { secrets: BAD_PK }, 'v-tol': { secrets: GITHUB } }),
      );
      const rejected = collect('rejected');
      const caught = collect('caught');
      const timestamp = Math.floor(Date.now() / 1000);
      const forged: Record<string, Record<string, string>> = {
        sw: { 'webhook-id': 'msg_forged', 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` },
        ed: { 'webhook-id': 'msg_forged', 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1a,${Buffer.alloc(64).toString('base64')}` },
        gh: { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
        stripe: { 'stripe-signature': `t=${timestamp},v1=${'0'.repeat(64)}` },
        hmac: { 'x-signature': '0'.repeat(64) },
        token: { authorization: 'Bearer not-the-token' },
      };
      // What a correct signature of the same request would be: the verify node must never tell it.
      const expectedSignatures: Secret[] = [];
      for (const [id, scheme, signWith, , extra] of VERIFIERS) {
        const parsed = parseSigningConfig({ scheme, ...extra }, signWith, 'sign');
        assert.ok(parsed.ok);
        const headers = createAttemptSigner(parsed.config).sign({ id: 'msg_forged', body: Buffer.from(BODY), timestamp });
        for (const value of Object.values(headers)) {
          for (const part of value.split(/[ ,=]/)) if (part.length >= 16) expectedSignatures.push(secret(`expected ${id} signature`, part));
        }
        node(`v-${id}`).receive({ payload: Buffer.from(BODY), req: { headers: { 'content-type': 'application/json', ...forged[id] } }, res: { _res: {} } });
      }
      await until(() => rejected.length === VERIFIERS.length, 'every forged webhook rejected');
      assert.ok(rejected.every((m) => m.statusCode === 401));
      for (const [id] of VERIFIERS) {
        node(`v-${id}`).receive({ payload: JSON.parse(BODY), req: { headers: forged[id] } });
        node(`v-${id}`).receive({ payload: Buffer.from(BODY) });
        node(`v-${id}`).receive({ payload: 42, headers: forged[id] });
      }
      for (const id of ['v-bad', 'v-badpk', 'v-tol']) {
        assert.ok(red(t.audit, id), `${id} shows a red status`);
        node(id).receive({ payload: Buffer.from(BODY), req: { headers: forged.gh } });
      }
      await until(() => rejected.length + caught.length === VERIFIERS.length * 4 + 3, 'every bad msg answered');
      assert.equal(caught.length >= 3, true);
      await helper.unload();
      const hay = t.audit.assertNoLeak([...SIGNING_SECRETS, ...expectedSignatures, secret('malformed whsec_', BAD), secret('malformed whpk_', BAD_PK)]);
      assert.match(hay, /bad-signature/);
    });
  });
});
