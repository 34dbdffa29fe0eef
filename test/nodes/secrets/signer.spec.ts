// Secrets never leak (docs/secrets.md): signer, re-signed by the sender. Shared set-up in ./environment.ts.
import assert from 'node:assert/strict';
import { publicKeyFor } from '../../../src/sign/keys';
import signerNode = require('../../../nodes/printhooks-signer/printhooks-signer');
import endpointNode = require('../../../nodes/printhooks-endpoint/printhooks-endpoint');
import senderNode = require('../../../nodes/printhooks-sender/printhooks-sender');
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { helper, nodeRedLine } from '../helper';
import { secret } from '../leak-audit';
import { auditEnvironment, catchNode, collect, node, red, until } from './environment';
import { ED_SEED, GITHUB, HMAC, SIGNING_SECRETS, STRIPE, TOKEN, WHSEC, WHSK } from './signing-secrets';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  const t = auditEnvironment();

  describe('signer', () => {
    const types = [signerNode, endpointNode, senderNode, catchNode];
    const WHSEC_OLD = `whsec_${Buffer.from('SECRET-sw-rotated-key-1b2c').toString('base64')}`;
    const SIGNERS: Array<[string, string, string, Record<string, unknown>]> = [
      ['s-sw', 'standard-webhooks', `${WHSEC}\n${WHSEC_OLD}`, {}],
      ['s-ed', 'standard-webhooks-ed25519', WHSK, {}],
      ['s-gh', 'github', GITHUB, {}],
      ['s-stripe', 'stripe', STRIPE, {}],
      ['s-hmac', 'hmac-sha256', HMAC, { header: 'X-Signature', encoding: 'hex' }],
      ['s-token', 'token', TOKEN, {}],
      ['s-bearer', 'token', TOKEN, { header: 'Authorization' }],
    ];
    const event = { id: 'evt_audit_1', type: 'print.done', time: '2026-11-23T18:00:00.000Z', printer: { id: 'p1', name: 'Ender', kind: 'octoprint' } };

    it('normal path for every scheme, re-signed by the sender with retries: no secret in msgs, logs or the outbox', async () => {
      const rx = await new FakeReceiver().start();
      t.cleanups.push(() => rx.stop());
      rx.reply(...SIGNERS.map(() => ({ status: 503 })));
      const flow: object[] = [
        { id: 't1', type: 'tab' },
        ...SIGNERS.map(([id, scheme, , extra]) => ({ id, z: 't1', type: 'printhooks-signer', scheme, version: 1, ...extra, wires: [['out', 'snd']] })),
        // seven msgs fail once at the same time: no circuit-breaker pause (docs/delivery.md, "Endpoint health")
        { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, version: 1, breakerFailures: 0 },
        { id: 'snd', z: 't1', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [['ok'], ['dead']] },
        { id: 'out', z: 't1', type: 'helper' },
        { id: 'ok', z: 't1', type: 'helper' },
        { id: 'dead', z: 't1', type: 'helper' },
      ];
      await t.audit.load(types, flow, Object.fromEntries(SIGNERS.map(([id, , secrets]) => [id, { secrets }])));
      const out = collect('out');
      const ok = collect('ok');
      for (const [id] of SIGNERS) node(id).receive({ topic: 'print.done', payload: event, event, headers: { 'content-type': 'application/json' } });
      await until(() => out.length === SIGNERS.length && ok.length === SIGNERS.length, 'every msg signed and delivered');
      assert.equal(rx.received.length, 2 * SIGNERS.length, 'one retry each, so every record went to the outbox');
      const tokenMsg = out.find((m) => (m.headers as Record<string, string>)['x-sp-token'] !== undefined);
      assert.match((tokenMsg?.headers as Record<string, string>)['x-sp-token'], /^phsecret\.token\./, 'the token scheme puts a reference in msg.headers');
      assert.ok(rx.received.some((r) => r.headers['x-sp-token'] === TOKEN), 'the sender sent the real token');
      assert.ok(rx.received.some((r) => r.headers.authorization === `Bearer ${TOKEN}`), 'the sender sent the real Bearer token');
      const keys = [
        await t.audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'standard-webhooks' }),
        await t.audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'standard-webhooks' }),
        await t.audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'standard-webhooks-ed25519' }),
        await t.audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'github' }),
        await t.audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'token' }),
      ];
      const fresh = keys.map((k) => String(k.body.secret));
      assert.equal(new Set(fresh).size, fresh.length, 'every Generate is a new secret');
      const ed = await t.audit.admin('get', '/printhooks-signer/s-ed/public-keys');
      assert.deepEqual(ed.body, { publicKeys: [publicKeyFor(WHSK)] });
      const sw = await t.audit.admin('get', '/printhooks-signer/s-sw/public-keys');
      assert.deepEqual(sw.body, { publicKeys: [] });
      await helper.unload();
      const hay = t.audit.assertNoLeak([...SIGNING_SECRETS, secret('rotated standard-webhooks secret', WHSEC_OLD, Buffer.from('SECRET-sw-rotated-key-1b2c'))]);
      assert.match(hay, /webhook-signature/, 'the signed msgs were captured');
      assert.match(hay, /outbox/, 'the outbox files were audited');
    });

    it('bad secrets, bad header, unknown scheme and bad msgs: red status and done(err) without the secret', async () => {
      const BAD_WHSEC = 'whsec_SECRET-bad-whsec-7f3a$$';
      const SHORT = `whsec_${Buffer.from('SECRET-short').toString('base64')}`;
      const BAD_WHSK = `whsk_${Buffer.concat([ED_SEED, Buffer.from('SECRET-bad-public-half-7f3a-0000')]).toString('base64')}`;
      const TYPED = 'whsk_SECRET-typed-bad-7f3a';
      const bad: Array<[string, string, string, Record<string, unknown>]> = [
        ['b-whsec', 'standard-webhooks', BAD_WHSEC, {}],
        ['b-short', 'standard-webhooks', SHORT, {}],
        ['b-whsk', 'standard-webhooks-ed25519', BAD_WHSK, {}],
        ['b-scheme', 'nope', GITHUB, {}],
        ['b-header', 'hmac-sha256', HMAC, { header: 'bad header' }],
      ];
      const good = SIGNERS.filter(([id]) => ['s-sw', 's-gh', 's-token'].includes(id));
      const flow: object[] = [
        { id: 't1', type: 'tab' },
        ...[...bad, ...good].map(([id, scheme, , extra]) => ({ id, z: 't1', type: 'printhooks-signer', scheme, version: 1, ...extra, wires: [['out']] })),
        { id: 'c1', z: 't1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'out', z: 't1', type: 'helper' },
        { id: 'caught', z: 't1', type: 'helper' },
      ];
      await t.audit.load(types, flow, Object.fromEntries([...bad, ...good].map(([id, , secrets]) => [id, { secrets }])));
      const out = collect('out');
      const caught = collect('caught');
      for (const [id] of bad) assert.ok(red(t.audit, id), `${id} shows a red status`);
      const circular: Record<string, unknown> = { type: 'print.done' };
      circular.self = circular;
      for (const [id] of bad) node(id).receive({ payload: event });
      for (const [id] of good) for (const payload of [42, circular, { n: 10n }, null]) node(id).receive({ payload });
      const expected = bad.length + good.length * 4;
      await until(() => caught.length === expected, `${expected} errors caught`);
      assert.equal(out.length, 0);
      const typed = await t.audit.admin('post', '/printhooks-signer/keys', { action: 'public-key', secret: TYPED });
      assert.equal(typed.status, 400);
      const unknown = await t.audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'nope' });
      assert.equal(unknown.status, 400);
      await helper.unload();
      const hay = t.audit.assertNoLeak([
        ...SIGNING_SECRETS,
        secret('malformed whsec_', BAD_WHSEC),
        secret('short whsec_', SHORT, Buffer.from('SECRET-short')),
        secret('inconsistent whsk_', BAD_WHSK, ED_SEED),
        secret('typed whsk_', TYPED),
      ]);
      assert.match(hay, /is not valid base64/, 'the config errors were captured');
      assert.match(hay, /msg\.payload/, 'the msg errors were captured');
    });
  });
});
