// Secrets never leak (docs/secrets.md): Bambu source and printer. Shared set-up in ./environment.ts.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { fetchSnapshot } from '../../../src/snapshot/registry';
import { PinStore } from '../../../src/sources/bambu/pin-store';
import bambuPrinterNode = require('../../../nodes/printhooks-bambu-printer/printhooks-bambu-printer');
import bambuSourceNode = require('../../../nodes/printhooks-bambu/printhooks-bambu');
import { FakePrinter } from '../../fakes/bambu/fake-printer';
import { delta } from '../../fakes/bambu/reports';
import { helper, nodeRedLine } from '../helper';
import { secret } from '../leak-audit';
import { auditEnvironment, collect, noteSnapshot, printerIdOf, problemShown, until } from './environment';

// Distinctive credential values: a hit in the haystack can only be a leak.
const BAMBU_CODE = 'SECRET-bambu-code-5e21';
const BAMBU_WRONG = 'SECRET-bambu-wrong-a3f0';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  const t = auditEnvironment();

  describe('Bambu', () => {
    const SECRETS = [secret('Bambu access code', BAMBU_CODE), secret('wrong Bambu access code', BAMBU_WRONG)];
    const types = [bambuPrinterNode, bambuSourceNode];
    const printer = (id: string, port: number, serial: string, extra: Record<string, unknown> = {}) => [
      { id, type: 'printhooks-bambu-printer', name: `Printer ${id}`, host: '127.0.0.1', port, serial, tls: 'pin', reconnectMs: 20, slowRetryMs: 200, version: 1, ...extra },
      { id: `src-${id}`, type: 'printhooks-bambu', printer: id, offlineDelayMs: 100, includeRaw: true, version: 1, wires: [['out']] },
    ];

    it('normal path: events, camera snapshot, pin and Test connection (typed and stored code) carry no code', async () => {
      const fake = await new FakePrinter({ accessCode: BAMBU_CODE, productName: 'Bambu Lab P1S' }).start();
      t.cleanups.push(() => fake.stop());
      await t.audit.load(types, [...printer('cfg', fake.port, fake.serial, { cameraPort: fake.cameraPort }), { id: 'out', type: 'helper' }], { cfg: { accessCode: BAMBU_CODE } });
      const got = collect('out');
      await until(() => got.some((m) => m.topic === 'printer.online'), 'printer.online');
      fake.publish(delta({ gcode_state: 'RUNNING', subtask_name: 'benchy', gcode_start_time: '1763900100', mc_percent: 10 }));
      await until(() => got.some((m) => m.topic === 'print.started'), 'print.started');
      fake.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      await until(() => got.some((m) => m.topic === 'print.done'), 'print.done');
      const printerId = (got[0].payload as { printer: { id: string } }).printer.id;
      assert.ok(await fetchSnapshot(printerId), 'a camera frame');
      assert.ok(fake.cameraLogins.includes(BAMBU_CODE), 'the camera saw the code, so it was really used');
      const body = { id: 'cfg', host: '127.0.0.1', port: fake.port, serial: fake.serial, tls: 'pin' };
      const stored = await t.audit.admin('post', '/printhooks-bambu-printer/test', { ...body, accessCode: '__PWRD__' });
      const typed = await t.audit.admin('post', '/printhooks-bambu-printer/test', { ...body, id: '', accessCode: BAMBU_CODE });
      const pin = await t.audit.admin('get', `/printhooks-bambu-printer/pin?serial=${fake.serial}`);
      assert.deepEqual([stored.body.ok, typed.body.ok], [true, true], stored.text);
      assert.equal(pin.body.fingerprint, new X509Certificate(fake.pki.cert).fingerprint256);
      await helper.unload();
      const hay = t.audit.assertNoLeak(SECRETS);
      assert.match(hay, /bambu-pins\.json/, 'the pin file was audited');
    });

    it('rejected code, TLS mismatch, bad config and unreachable printer: red status, no code anywhere', async () => {
      const fake = await new FakePrinter({ accessCode: BAMBU_CODE }).start();
      const other = await new FakePrinter({ accessCode: BAMBU_CODE, serial: '01P00A000000002', otherCert: true }).start();
      t.cleanups.push(() => fake.stop(), () => other.stop());
      new PinStore(path.join(t.userDir, 'printhooks', 'bambu-pins.json')).set(other.serial, new X509Certificate(other.pki.cert).fingerprint256);
      await t.audit.load(
        types,
        [
          ...printer('wrong', fake.port, fake.serial, { cameraPort: fake.cameraPort }),
          ...printer('tls', other.port, other.serial, { cameraPort: other.cameraPort }),
          ...printer('badca', fake.port, '01P00A000000003', { tls: 'ca', ca: 'not a pem' }),
          ...printer('down', 1, '01P00A000000004', { tls: 'insecure', cameraPort: 1 }),
          { id: 'out', type: 'helper' },
        ],
        { wrong: { accessCode: BAMBU_WRONG }, tls: { accessCode: BAMBU_CODE }, badca: { accessCode: BAMBU_CODE }, down: { accessCode: BAMBU_CODE } },
      );
      await until(() => ['wrong', 'tls', 'badca', 'down'].every((id) => problemShown(t.audit, `src-${id}`)), 'a problem status on every source');
      const snapshots = await Promise.all(['wrong', 'tls', 'down'].map((id) => noteSnapshot(t.audit, printerIdOf(id))));
      assert.ok(snapshots.every((o) => o.startsWith('error')), snapshots.join('; '));
      assert.deepEqual([other.cameraLogins.length, other.connections + other.authFailures], [0, 0], 'a printer with a changed certificate never receives the code');
      const body = (id: string, port: number, serial: string, accessCode: string) => ({ id, host: '127.0.0.1', port, serial, tls: 'pin', accessCode });
      const answers = [
        await t.audit.admin('post', '/printhooks-bambu-printer/test', body('', fake.port, fake.serial, BAMBU_WRONG)),
        await t.audit.admin('post', '/printhooks-bambu-printer/test', body('tls', other.port, other.serial, '__PWRD__')),
        await t.audit.admin('post', '/printhooks-bambu-printer/test', body('down', 1, '01P00A000000004', '__PWRD__')),
        await t.audit.admin('post', '/printhooks-bambu-printer/test', body('', fake.port, '', BAMBU_CODE)),
        await t.audit.admin('post', '/printhooks-bambu-printer/repin', { serial: other.serial }),
      ];
      assert.deepEqual(answers.map((a) => a.body.ok), [false, false, false, false, true]);
      await helper.unload();
      const hay = t.audit.assertNoLeak(SECRETS);
      assert.match(hay, /access code or serial rejected/);
      assert.match(hay, /certificate changed/);
    });
  });
});
