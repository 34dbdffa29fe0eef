// Secrets never leak (docs/secrets.md), issue 14 case 4: a target that echoes the request (headers and
// body) in its 5xx and 4xx answers. Every credential the sender put into the request must be scrubbed
// from the dead letters, the logs, the delivery log and the outbox. Shared set-up in ./environment.ts.
import assert from 'node:assert/strict';
import endpointNode = require('../../../nodes/printhooks-endpoint/printhooks-endpoint');
import senderNode = require('../../../nodes/printhooks-sender/printhooks-sender');
import signerNode = require('../../../nodes/printhooks-signer/printhooks-signer');
import templateNode = require('../../../nodes/printhooks-template/printhooks-template');
import { helper, nodeRedLine } from '../helper';
import { secret } from '../leak-audit';
import { auditEnvironment, collect, echoingReceiver, node, until, type Msg } from './environment';
import { GITHUB, HMAC, SIGNING_SECRETS, TOKEN, WHSEC } from './signing-secrets';

const EP_TOKEN = 'SECRET-echo-ep-token-7f3a';
const EP_USER = 'SECRET-echo-ep-user-7f3a';
// special characters, so the echo holds them JSON-escaped, URL- and form-encoded
const EP_PASS = 'SECRET-echo-ep-pass/+=&"7f3a';
const TPL_TOKEN = 'SECRET-echo-tpl/token+ "7f3a"&=';
const TPL_USER = 'SECRET-echo-tpl-user-7f3a';
const BOT = '123456:SECRET-echo-bot-7f3a';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(15_000);
  const t = auditEnvironment();

  describe('a target that echoes the request in its 4xx and 5xx answers', () => {
    const types = [endpointNode, senderNode, signerNode, templateNode];
    const SECRETS = [
      secret('endpoint token', EP_TOKEN),
      secret('endpoint user', EP_USER),
      secret('endpoint password', EP_PASS),
      secret('basic auth pair', `${EP_USER}:${EP_PASS}`),
      ...SIGNING_SECRETS,
      secret('template token', TPL_TOKEN),
      secret('template user', TPL_USER),
      secret('telegram bot token', BOT),
    ];
    const SIGNERS: Array<[string, string, string, Record<string, unknown>]> = [
      ['s-token', 'token', TOKEN, {}],
      ['s-bearer', 'token', TOKEN, { header: 'Authorization' }],
      ['s-hmac', 'hmac-sha256', HMAC, { header: 'X-Signature', encoding: 'hex' }],
      ['s-sw', 'standard-webhooks', WHSEC, {}],
      ['s-gh', 'github', GITHUB, {}],
    ];
    const templates = (base: string): Array<[string, Record<string, unknown>, Record<string, string>]> => [
      ['tp-pushover', { preset: 'pushover', url: `${base}/1/messages.json` }, { token: TPL_TOKEN, user: TPL_USER }],
      ['tp-telegram', { preset: 'telegram', recipient: '-100123', url: `${base}/bot{{$token}}/sendMessage` }, { token: BOT }],
      ['tp-ntfy', { preset: 'ntfy', recipient: 'farm', url: `${base}/` }, { token: TPL_TOKEN }],
    ];
    const event = { id: 'evt_echo_1', type: 'print.done', time: '2026-11-23T18:00:00.000Z', printer: { id: 'p1', name: 'Ender', kind: 'octoprint' } };

    it('bearer, basic, token and HMAC signers and template secrets: echoed back, scrubbed from every channel', async () => {
      const rx = await echoingReceiver(t.cleanups);
      const TEMPLATES = templates(rx.url);
      const sender = (id: string, endpoint: string) => ({ id, z: 't1', type: 'printhooks-sender', endpoint, retrySchedule: '0.05,0.05', jitter: 0, version: 1, wires: [['ok'], ['dead']] });
      const flow: object[] = [
        { id: 't1', type: 'tab' },
        { id: 'ep-bearer', type: 'printhooks-endpoint', url: `${rx.url}/bearer`, version: 1 },
        { id: 'ep-basic', type: 'printhooks-endpoint', url: `${rx.url}/basic`, version: 1 },
        // five signed msgs fail at once on this endpoint: no circuit-breaker pause (docs/delivery.md, "Endpoint health")
        { id: 'ep-plain', type: 'printhooks-endpoint', url: `${rx.url}/signed`, version: 1, breakerFailures: 0 },
        { id: 'ep-any', type: 'printhooks-endpoint', url: '', allowOverride: true, version: 1 },
        sender('snd-bearer', 'ep-bearer'),
        sender('snd-basic', 'ep-basic'),
        sender('snd-signed', 'ep-plain'),
        sender('snd-tpl', 'ep-any'),
        ...SIGNERS.map(([id, scheme, , extra]) => ({ id, z: 't1', type: 'printhooks-signer', scheme, version: 1, ...extra, wires: [['snd-signed']] })),
        ...TEMPLATES.map(([id, config]) => ({ id, z: 't1', type: 'printhooks-template', version: 1, ...config, wires: [['snd-tpl']] })),
        { id: 'ok', z: 't1', type: 'helper' },
        { id: 'dead', z: 't1', type: 'helper' },
      ];
      const credentials = {
        'ep-bearer': { token: EP_TOKEN },
        'ep-basic': { username: EP_USER, password: EP_PASS },
        ...Object.fromEntries(SIGNERS.map(([id, , secrets]) => [id, { secrets }])),
        ...Object.fromEntries(TEMPLATES.map(([id, , creds]) => [id, creds])),
      };
      await t.audit.load(types, flow, credentials);
      const dead = collect('dead');
      const ok = collect('ok');
      node('snd-bearer').receive({ payload: { type: 'print.failed', note: 'bearer' } });
      node('snd-basic').receive({ payload: 'basic text body' });
      for (const [id] of SIGNERS) node(id).receive({ topic: 'print.done', payload: { ...event, id: `evt_${id}` }, event: { ...event, id: `evt_${id}` }, headers: { 'content-type': 'application/json' } });
      for (const [id] of TEMPLATES) node(id).receive({ topic: 'print.done', payload: { ...event, id: `evt_${id}` } });
      const expected = 2 + SIGNERS.length + TEMPLATES.length;
      await until(() => dead.length === expected, `${expected} dead letters`, 10_000);
      assert.equal(ok.length, 0);
      assert.equal(rx.received.length, 2 * expected, 'each request answered once with 503 and once with 401');

      // the credentials did go out, and came back in the answers
      const sent = rx.received.map((r) => `${Object.values(r.headers).join('\n')}\n${r.path}\n${r.body.toString()}`).join('\n');
      for (const value of [`Bearer ${EP_TOKEN}`, Buffer.from(`${EP_USER}:${EP_PASS}`).toString('base64'), TOKEN, `Bearer ${TOKEN}`, new URLSearchParams([['', TPL_TOKEN]]).toString().slice(1), `Bearer ${TPL_TOKEN}`, BOT]) {
        assert.ok(sent.includes(value), `the target got ${value}`);
      }
      for (const m of dead) {
        const delivery = m.delivery as { status?: number; response?: string };
        assert.equal(delivery.status, 401);
        assert.match(String(delivery.response), /"error":"rejected"/, 'the echo reached the dead letter');
      }
      const scrubbed = dead.filter((m) => /\[secret\]/.test(String((m.delivery as Msg).response)));
      assert.ok(scrubbed.length >= 2 + 2 + TEMPLATES.length, `every credential-bearing echo was scrubbed (${scrubbed.length})`);

      for (const id of ['snd-bearer', 'snd-basic', 'snd-signed', 'snd-tpl']) {
        const log = await t.audit.admin('get', `/printhooks-sender/${id}/log`);
        const attempts = log.body.attempts as Array<{ status?: number; response?: string }>;
        assert.deepEqual([...new Set(attempts.map((a) => a.status))].sort(), [401, 503], `${id}: both answers are in the delivery log`);
        assert.ok(attempts.every((a) => /"error":"rejected"/.test(String(a.response))), `${id}: the echo is in the delivery log`);
      }
      await helper.unload();
      const hay = t.audit.assertNoLeak(SECRETS);
      assert.match(hay, /outbox/, 'the outbox files were audited');
      assert.match(hay, /<answer get \/printhooks-sender\/snd-bearer\/log 200>/, 'the delivery log was audited');
    });
  });
});
