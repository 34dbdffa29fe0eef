// Secrets never leak (docs/secrets.md): endpoint credentials through the sender. Shared set-up in ./environment.ts.
import assert from 'node:assert/strict';
import endpointNode = require('../../../nodes/printhooks-endpoint/printhooks-endpoint');
import senderNode = require('../../../nodes/printhooks-sender/printhooks-sender');
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { helper, nodeRedLine } from '../helper';
import { secret } from '../leak-audit';
import { auditEnvironment, collect, node, redirector, until } from './environment';

// Distinctive credential values: a hit in the haystack can only be a leak.
const EP_TOKEN = 'SECRET-ep-token-7f3a';
const EP_USER = 'SECRET-ep-user-7f3a';
const EP_PASS = 'SECRET-ep-pass-7f3a';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  const t = auditEnvironment();

  describe('endpoint', () => {
    const types = [endpointNode, senderNode];
    const SECRETS = [secret('endpoint token', EP_TOKEN), secret('endpoint user', EP_USER), secret('endpoint password', EP_PASS), secret('basic auth pair', `${EP_USER}:${EP_PASS}`)];
    const TOKEN_CREDS = { token: EP_TOKEN };
    // A token pasted with a line break: it must not inject a header nor show up in an error.
    const BAD_TOKEN = 'SECRET-ep-pasted-7f3a\r\nX-Injected: 1';
    const BASIC_CREDS = { username: EP_USER, password: EP_PASS };
    const pair = (id: string, url: string, extra: Record<string, unknown> = {}) => [
      { id: `ep-${id}`, type: 'printhooks-endpoint', url, version: 1, ...extra },
      { id: `snd-${id}`, z: 't1', type: 'printhooks-sender', endpoint: `ep-${id}`, retrySchedule: '0.05', jitter: 0, version: 1, wires: [['ok'], ['dead']] },
    ];
    const tail = [{ id: 'ok', z: 't1', type: 'helper' }, { id: 'dead', z: 't1', type: 'helper' }];

    it('normal path with token and basic auth, retried through the outbox: no credential outside the request', async () => {
      const rx = await new FakeReceiver().start();
      t.cleanups.push(() => rx.stop());
      rx.reply({ status: 503 }, { status: 503 });
      await t.audit.load(types, [{ id: 't1', type: 'tab' }, ...pair('token', `${rx.url}/t`), ...pair('basic', `${rx.url}/b`), ...tail], { 'ep-token': TOKEN_CREDS, 'ep-basic': BASIC_CREDS });
      const ok = collect('ok');
      node('snd-token').receive({ payload: { type: 'print.done' } });
      node('snd-basic').receive({ payload: 'plain text' });
      await until(() => ok.length === 2, 'both delivered');
      const auth = rx.received.map((r) => r.headers.authorization).sort();
      assert.deepEqual([...new Set(auth)], [`Basic ${Buffer.from(`${EP_USER}:${EP_PASS}`).toString('base64')}`, `Bearer ${EP_TOKEN}`]);
      const enabled = await t.audit.admin('post', '/printhooks-endpoint/ep-token/enable');
      assert.equal(enabled.body.enabled, true);
      await helper.unload();
      const hay = t.audit.assertNoLeak(SECRETS);
      assert.match(hay, /outbox/, 'the outbox files were audited');
    });

    it('401, 410 Gone, unreachable host, TLS mismatch and bad config: no credential in dead letters, status, logs or files', async () => {
      const rx = await new FakeReceiver().start();
      const tlsRx = await new FakeReceiver({ tls: true }).start();
      t.cleanups.push(() => rx.stop(), () => tlsRx.stop());
      const redirect = await redirector(t.cleanups);
      rx.answer((req) => ({ status: req.path.startsWith('/gone') ? 410 : 401, body: 'no' }));
      await t.audit.load(
        types,
        [
          { id: 't1', type: 'tab' },
          ...pair('401', `${rx.url}/auth`),
          ...pair('gone', `${rx.url}/gone`),
          ...pair('down', 'http://127.0.0.1:1/hook', { timeout: 2 }),
          ...pair('tls', `${tlsRx.url}/hook`, { timeout: 2 }),
          ...pair('bad', 'not a url'),
          ...pair('redirect', `${redirect.from.url}/hook`),
          ...pair('badtoken', `${rx.url}/badtoken`),
          ...tail,
        ],
        { 'ep-401': TOKEN_CREDS, 'ep-gone': BASIC_CREDS, 'ep-down': TOKEN_CREDS, 'ep-tls': BASIC_CREDS, 'ep-bad': TOKEN_CREDS, 'ep-redirect': BASIC_CREDS, 'ep-badtoken': { token: BAD_TOKEN } },
      );
      const dead = collect('dead');
      for (const id of ['401', 'gone', 'down', 'tls', 'bad', 'redirect', 'badtoken']) node(`snd-${id}`).receive({ payload: { type: 'print.failed' } });
      // the token pasted with a line break is refused at deploy, so only four reach a target
      await until(() => dead.length === 4 && t.audit.statuses('snd-gone').some((st) => /disabled/.test(st.text ?? '')), 'four dead letters and a disabled endpoint', 8000);
      assert.deepEqual(dead.map((m) => (m.delivery as { status?: number }).status ?? 'no answer').sort(), [302, 401, 'no answer', 'no answer']);
      assert.equal(redirect.to.received.length, 0, 'a redirect is not followed, so the credentials stay with the endpoint');
      assert.equal(tlsRx.received.length, 0, 'an untrusted certificate never receives the credentials');
      const gone = await t.audit.admin('post', '/printhooks-endpoint/ep-gone/enable');
      assert.equal(gone.body.wasDisabled, true);
      await t.audit.admin('post', '/printhooks-endpoint/ep-bad/enable');
      await helper.unload();
      const hay = t.audit.assertNoLeak([...SECRETS, secret('pasted token', BAD_TOKEN), secret('pasted token (first line)', 'SECRET-ep-pasted-7f3a')]);
      assert.match(hay, /printhooks-endpoint: /, 'the config error was captured');
      assert.match(hay, /token contains a line break/, 'the pasted token is refused, naming the field');
      assert.equal(rx.received.filter((r) => r.headers['x-injected'] !== undefined).length, 0, 'no header injected');
    });
  });
});
