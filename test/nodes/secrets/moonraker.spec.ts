// Secrets never leak (docs/secrets.md): Moonraker source and server. Shared set-up in ./environment.ts.
import assert from 'node:assert/strict';
import moonServerNode = require('../../../nodes/printhooks-moonraker-server/printhooks-moonraker-server');
import moonSourceNode = require('../../../nodes/printhooks-moonraker/printhooks-moonraker');
import { fetchSnapshot } from '../../../src/snapshot/registry';
import { FakeMoonraker } from '../../fakes/moonraker/fake-moonraker';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { helper, nodeRedLine } from '../helper';
import { secret } from '../leak-audit';
import { auditEnvironment, collect, noteSnapshot, printerIdOf, problemShown, redirector, until } from './environment';

// Distinctive credential values: a hit in the haystack can only be a leak.
const MOON_KEY = 'SECRET-moon-key-4b8e';
const MOON_WRONG = 'SECRET-moon-wrong-0d17';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  const t = auditEnvironment();

  describe('Moonraker', () => {
    const SECRETS = [secret('Moonraker API key', MOON_KEY), secret('wrong Moonraker key', MOON_WRONG)];
    const types = [moonServerNode, moonSourceNode];
    const server = (id: string, url: string) => [
      { id, type: 'printhooks-moonraker-server', name: `Printer ${id}`, url, reconnectMs: 20, klippyRetryMs: 40, version: 1 },
      { id: `src-${id}`, type: 'printhooks-moonraker', server: id, offlineDelayMs: 100, historyWaitMs: 200, includeRaw: true, version: 1, wires: [['out']] },
    ];

    it('normal path: events, snapshot and Test connection (typed and stored key) carry no key', async () => {
      const fake = new FakeMoonraker({ apiKey: MOON_KEY });
      await fake.listen();
      t.cleanups.push(() => fake.close());
      fake.webcams = [{ name: 'cam', enabled: true, snapshot_url: `${fake.url}/webcam/?action=snapshot` }];
      await t.audit.load(types, [...server('srv', fake.url), { id: 'out', type: 'helper' }], { srv: { apiKey: MOON_KEY } });
      const got = collect('out');
      await until(() => got.some((m) => m.topic === 'printer.online'), 'printer.online');
      fake.update({ print_stats: { filename: 'benchy.gcode', state: 'printing' }, virtual_sdcard: { progress: 0.5 } });
      await until(() => got.some((m) => m.topic === 'print.started'), 'print.started');
      fake.update({ print_stats: { state: 'complete' } });
      await until(() => got.some((m) => m.topic === 'print.done'), 'print.done');
      const printerId = (got[0].payload as { printer: { id: string } }).printer.id;
      assert.deepEqual(await fetchSnapshot(printerId), fake.snapshotBytes);
      const typed = await t.audit.admin('post', '/printhooks-moonraker-server/test', { url: fake.url, apiKey: MOON_KEY });
      const stored = await t.audit.admin('post', '/printhooks-moonraker-server/test', { id: 'srv', url: fake.url, apiKey: '__PWRD__' });
      assert.deepEqual([typed.body.ok, stored.body.ok], [true, true]);
      await helper.unload();
      const hay = t.audit.assertNoLeak(SECRETS);
      assert.match(hay, /print\.done/);
    });

    it('rejected key, unreachable host and bad url: red status, no key anywhere', async () => {
      const fake = new FakeMoonraker({ apiKey: MOON_KEY });
      await fake.listen();
      t.cleanups.push(() => fake.close());
      fake.webcams = [{ name: 'cam', enabled: true, snapshot_url: `${fake.url}/webcam/?action=snapshot` }];
      const redirect = await redirector(t.cleanups);
      const tlsRx = await new FakeReceiver({ tls: true }).start();
      t.cleanups.push(() => tlsRx.stop());
      const tlsUrl = `https://127.0.0.1:${tlsRx.port}`;
      await t.audit.load(
        types,
        [
          ...server('wrong', fake.url),
          ...server('down', 'http://127.0.0.1:1'),
          ...server('badurl', `ftp://${MOON_KEY}@nope`),
          ...server('redirect', redirect.from.url),
          ...server('tls', tlsUrl),
          { id: 'out', type: 'helper' },
        ],
        { wrong: { apiKey: MOON_WRONG }, down: { apiKey: MOON_KEY }, badurl: { apiKey: MOON_KEY }, redirect: { apiKey: MOON_KEY }, tls: { apiKey: MOON_KEY } },
      );
      await until(() => ['wrong', 'down', 'badurl', 'redirect', 'tls'].every((id) => problemShown(t.audit, `src-${id}`)), 'a problem status on every source');
      const answers = [
        await t.audit.admin('post', '/printhooks-moonraker-server/test', { url: fake.url, apiKey: MOON_WRONG }),
        await t.audit.admin('post', '/printhooks-moonraker-server/test', { id: 'wrong', url: fake.url, apiKey: '__PWRD__' }),
        await t.audit.admin('post', '/printhooks-moonraker-server/test', { id: 'down', url: 'http://127.0.0.1:1' }),
        await t.audit.admin('post', '/printhooks-moonraker-server/test', { url: 'ftp://nope', apiKey: MOON_KEY }),
        await t.audit.admin('post', '/printhooks-moonraker-server/test', { url: `ftp://user:${MOON_KEY}@nope`, apiKey: MOON_KEY }),
        await t.audit.admin('post', '/printhooks-moonraker-server/test', { url: `user:${MOON_KEY}@nope`, apiKey: MOON_KEY }),
        await t.audit.admin('post', '/printhooks-moonraker-server/test', { id: 'redirect', url: redirect.from.url, apiKey: '__PWRD__' }),
        await t.audit.admin('post', '/printhooks-moonraker-server/test', { id: 'tls', url: tlsUrl, apiKey: '__PWRD__' }),
      ];
      assert.deepEqual(answers.map((a) => a.body.ok), [false, false, false, false, false, false, false, false]);
      assert.ok(redirect.from.received.length > 0);
      assert.equal(redirect.to.received.length, 0, 'a redirect is not followed, so the key stays with the configured host');
      assert.equal(tlsRx.received.length, 0, 'an untrusted certificate never receives the key');
      const snapshots = await Promise.all(['wrong', 'down', 'redirect', 'tls'].map((id) => noteSnapshot(t.audit, printerIdOf(id))));
      assert.ok(snapshots.every((o) => o.startsWith('error')), snapshots.join('; '));
      await helper.unload();
      const hay = t.audit.assertNoLeak(SECRETS);
      assert.match(hay, /unauthorized/i);
    });
  });
});
