// Secrets never leak (docs/secrets.md): OctoPrint source and server. Shared set-up in ./environment.ts.
import assert from 'node:assert/strict';
import octoServerNode = require('../../../nodes/printhooks-octoprint-server/printhooks-octoprint-server');
import octoSourceNode = require('../../../nodes/printhooks-octoprint/printhooks-octoprint');
import { fetchSnapshot } from '../../../src/snapshot/registry';
import { fakeJpeg, FakeOctoPrint } from '../../fakes/octoprint/fake-octoprint';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { helper, nodeRedLine } from '../helper';
import { secret } from '../leak-audit';
import { auditEnvironment, collect, noteSnapshot, problemShown, redirector, until } from './environment';

// Distinctive credential values: a hit in the haystack can only be a leak.
const OCTO_KEY = 'SECRET-octo-key-7f3a';
const OCTO_WRONG = 'SECRET-octo-wrong-91c2';
const OCTO_GLOBAL = 'SECRET-octo-global-6d0b';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  const t = auditEnvironment();

  describe('OctoPrint', () => {
    const SECRETS = [secret('OctoPrint API key', OCTO_KEY), secret('wrong OctoPrint key', OCTO_WRONG), secret('OctoPrint global key', OCTO_GLOBAL)];
    const types = [octoServerNode, octoSourceNode];
    const server = (id: string, url: string, extra: Record<string, unknown> = {}) => [
      { id, type: 'printhooks-octoprint-server', name: `Printer ${id}`, url, printerId: `p-${id}`, offlineDelay: 0.1, version: 1, ...extra },
      { id: `src-${id}`, type: 'printhooks-octoprint', server: id, includeRaw: true, version: 1, wires: [['out']] },
    ];

    it('normal path: events, snapshot and Test connection (typed and stored key) carry no key', async () => {
      const fake = await new FakeOctoPrint({ apiKey: OCTO_KEY }).start();
      t.cleanups.push(() => fake.stop());
      fake.camera = fakeJpeg(200);
      await t.audit.load(types, [...server('srv', fake.url), { id: 'out', type: 'helper' }], { srv: { apiKey: OCTO_KEY } });
      const got = collect('out');
      await until(() => fake.authedSockets === 1, 'authenticated socket');
      fake.startJob('benchy.gcode');
      fake.progress(50);
      fake.finishJob();
      await until(() => got.some((m) => m.topic === 'print.done'), 'print.done');
      assert.deepEqual(await fetchSnapshot('p-srv'), fake.camera);
      const typed = await t.audit.admin('post', '/printhooks-octoprint-server/test', { url: fake.url, apiKey: OCTO_KEY });
      const stored = await t.audit.admin('post', '/printhooks-octoprint-server/test', { id: 'srv', url: fake.url, apiKey: '__PWRD__' });
      assert.deepEqual([typed.body.ok, stored.body.ok], [true, true]);
      await helper.unload();
      // The login session authenticates the push socket: as much a secret as the key.
      const sessions = fake.received.flat().map((m) => String((m as { auth?: string }).auth ?? '').split(':')[1]).filter(Boolean);
      assert.ok(sessions.length > 0, 'the socket was authenticated with a session');
      const hay = t.audit.assertNoLeak([...SECRETS, ...sessions.map((x) => secret('OctoPrint session', x))]);
      assert.match(hay, /print\.done/, 'the sent msgs were captured');
      assert.match(hay, /PrintDone/, 'raw OctoPrint frames were in the msgs');
    });

    it('rejected key, global key, TLS mismatch, unreachable host and bad url: red status, no key anywhere', async () => {
      const redirect = await redirector(t.cleanups);
      const fake = await new FakeOctoPrint({ apiKey: OCTO_KEY, globalKey: OCTO_GLOBAL }).start();
      const tlsFake = await new FakeOctoPrint({ apiKey: OCTO_KEY, tls: true }).start();
      fake.camera = fakeJpeg(100);
      tlsFake.camera = fakeJpeg(100);
      t.cleanups.push(() => fake.stop(), () => tlsFake.stop());
      await t.audit.load(
        types,
        [
          ...server('wrong', fake.url),
          ...server('global', fake.url),
          ...server('tls', tlsFake.url),
          ...server('down', 'http://127.0.0.1:1'),
          ...server('badurl', `ftp://user:${OCTO_KEY}x@octopi.local`),
          ...server('redirect', redirect.from.url),
          { id: 'out', type: 'helper' },
        ],
        { wrong: { apiKey: OCTO_WRONG }, global: { apiKey: OCTO_GLOBAL }, tls: { apiKey: OCTO_KEY }, down: { apiKey: OCTO_KEY }, badurl: { apiKey: OCTO_KEY }, redirect: { apiKey: OCTO_KEY } },
      );
      await until(() => ['wrong', 'global', 'tls', 'down', 'badurl', 'redirect'].every((id) => problemShown(t.audit, `src-${id}`)), 'a problem status on every source');
      const answers = [
        await t.audit.admin('post', '/printhooks-octoprint-server/test', { url: fake.url, apiKey: OCTO_WRONG }),
        await t.audit.admin('post', '/printhooks-octoprint-server/test', { id: 'global', url: fake.url, apiKey: '__PWRD__' }),
        await t.audit.admin('post', '/printhooks-octoprint-server/test', { id: 'tls', url: tlsFake.url, apiKey: '__PWRD__' }),
        await t.audit.admin('post', '/printhooks-octoprint-server/test', { id: 'down', url: 'http://127.0.0.1:1', apiKey: '' }),
        await t.audit.admin('post', '/printhooks-octoprint-server/test', { url: 'octopi.local', apiKey: OCTO_KEY }),
        await t.audit.admin('post', '/printhooks-octoprint-server/test', { url: `user:${OCTO_KEY}@octopi.local`, apiKey: OCTO_KEY }),
        await t.audit.admin('post', '/printhooks-octoprint-server/test', { url: `http://user:${OCTO_KEY}@octopi.local`, apiKey: OCTO_KEY }),
        await t.audit.admin('post', '/printhooks-octoprint-server/test', { id: 'redirect', url: redirect.from.url, apiKey: '__PWRD__' }),
      ];
      assert.deepEqual(answers.map((a) => a.body.ok), [false, false, false, false, false, false, false, false]);
      assert.ok(redirect.from.received.length > 0);
      assert.equal(redirect.to.received.length, 0, 'a redirect is not followed, so the key stays with the configured host');
      assert.deepEqual([tlsFake.requests.length, tlsFake.logins], [0, 0], 'an untrusted certificate gets no request, so never the key');
      // The global key may read the webcam over REST; the others cannot.
      const snapshots = await Promise.all(['wrong', 'tls', 'down'].map((id) => noteSnapshot(t.audit, `p-${id}`)));
      await noteSnapshot(t.audit, 'p-global');
      assert.ok(snapshots.every((o) => o.startsWith('error')), snapshots.join('; '));
      // The same host and port over plain http (URL.host omits default ports, so https://octopi.local and
      // http://octopi.local look alike): the key must not go there in clear.
      const plain = await new FakeReceiver().start();
      t.cleanups.push(() => plain.stop());
      plain.reply({ status: 200, headers: { 'content-type': 'image/jpeg' }, body: '\xff\xd8\xff\xd9' });
      await helper.setFlows([...server('mixed', `https://127.0.0.1:${plain.port}`, { snapshotUrl: `http://127.0.0.1:${plain.port}/snap` }), { id: 'out', type: 'helper' }] as never, 'full', { mixed: { apiKey: OCTO_KEY } } as never);
      await noteSnapshot(t.audit, 'p-mixed');
      assert.equal(plain.received.filter((r) => r.path === '/snap').length, 1, 'the snapshot was fetched');
      assert.equal(plain.received.find((r) => r.path === '/snap')?.headers['x-api-key'], undefined, 'no key over plain http');
      await helper.unload();
      const hay = t.audit.assertNoLeak(SECRETS);
      assert.match(hay, /API key rejected/);
      assert.match(hay, /global API key/);
    });
  });
});
