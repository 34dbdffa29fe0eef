// Audit of "secrets live only in Node-RED credentials; never in flow JSON, logs, msg objects or the
// outbox on disk" for the sources, signer, verify and endpoint nodes: every credential has a
// distinctive value, each node runs its normal path and its error paths, and none of the values (nor
// their base64 / hex / URL-encoded forms) may appear in node.log/warn/error/status/send, the runtime
// log, the answers of the admin endpoints, or any file under the Node-RED user dir (outbox, pins).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchSnapshot } from '../../src/core/snapshot/registry';
import { createAttemptSigner } from '../../src/core/sign/attempt-signer';
import { parseSigningConfig } from '../../src/core/sign/config';
import { publicKeyFor } from '../../src/core/sign/keys';
import { PinStore } from '../../src/core/sources/bambu/pin-store';
import octoServerNode = require('../../src/nodes/printhooks-octoprint-server/printhooks-octoprint-server');
import octoSourceNode = require('../../src/nodes/printhooks-octoprint/printhooks-octoprint');
import moonServerNode = require('../../src/nodes/printhooks-moonraker-server/printhooks-moonraker-server');
import moonSourceNode = require('../../src/nodes/printhooks-moonraker/printhooks-moonraker');
import bambuPrinterNode = require('../../src/nodes/printhooks-bambu-printer/printhooks-bambu-printer');
import bambuSourceNode = require('../../src/nodes/printhooks-bambu/printhooks-bambu');
import signerNode = require('../../src/nodes/printhooks-signer/printhooks-signer');
import verifyNode = require('../../src/nodes/printhooks-verify/printhooks-verify');
import endpointNode = require('../../src/nodes/printhooks-endpoint/printhooks-endpoint');
import senderNode = require('../../src/nodes/printhooks-sender/printhooks-sender');
import { FakePrinter } from '../fakes/bambu/fake-printer';
import { delta } from '../fakes/bambu/reports';
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { fakeJpeg, FakeOctoPrint } from '../fakes/octoprint/fake-octoprint';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { helper, nodeRedLine } from './helper';
import { LeakAudit, secret, type Secret } from './leak-audit';

const catchNode = require(require.resolve('@node-red/nodes/core/common/25-catch.js', {
  paths: [require.resolve(nodeRedLine === '4' ? 'node-red-4' : 'node-red')],
}));

// Distinctive credential values: a hit in the haystack can only be a leak.
const OCTO_KEY = 'SECRET-octo-key-7f3a';
const OCTO_WRONG = 'SECRET-octo-wrong-91c2';
const OCTO_GLOBAL = 'SECRET-octo-global-6d0b';
const MOON_KEY = 'SECRET-moon-key-4b8e';
const MOON_WRONG = 'SECRET-moon-wrong-0d17';
const BAMBU_CODE = 'SECRET-bambu-code-5e21';
const BAMBU_WRONG = 'SECRET-bambu-wrong-a3f0';
const SW_KEY = Buffer.from('SECRET-sw-hmac-key-7f3a-2c9d');
const WHSEC = `whsec_${SW_KEY.toString('base64')}`;
const ED_SEED = Buffer.from('SECRET-ed25519-seed-7f3a-0000000'); // 32 bytes
const WHSK = `whsk_${ED_SEED.toString('base64')}`;
const GITHUB = 'SECRET-github-7f3a';
const STRIPE = 'whsec_SECRET-stripe-7f3a';
const HMAC = 'SECRET-hmac-7f3a';
const TOKEN = 'SECRET-token-7f3a';
const EP_TOKEN = 'SECRET-ep-token-7f3a';
const EP_USER = 'SECRET-ep-user-7f3a';
const EP_PASS = 'SECRET-ep-pass-7f3a';
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

const SIGNING_SECRETS: Secret[] = [
  secret('standard-webhooks secret', WHSEC, SW_KEY),
  secret('ed25519 secret key', WHSK, ED_SEED, Buffer.concat([PKCS8_ED25519, ED_SEED])),
  secret('github secret', GITHUB),
  secret('stripe secret', STRIPE),
  secret('hmac secret', HMAC),
  secret('token', TOKEN),
];

type Msg = Record<string, unknown>;
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (msg: Msg) => void): void };
const node = (id: string) => helper.getNode(id) as unknown as TestNode;

async function until(predicate: () => boolean, label: string, timeoutMs = 4000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function collect(id: string): Msg[] {
  const got: Msg[] = [];
  node(id).on('input', (msg) => got.push(msg));
  return got;
}

const red = (audit: LeakAudit, id: string) => audit.statuses(id).some((s) => s.fill === 'red');

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  let userDir: string;
  let audit: LeakAudit;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-secrets-'));
    helper.settings({
      userDir,
      printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 200, pingIntervalMs: 200, requestTimeoutMs: 1000 },
      printhooks: { sender: { statusIntervalMs: 5 } },
    } as never);
    audit = new LeakAudit();
    audit.dirs.push(userDir);
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    fs.rmSync(userDir, { recursive: true, force: true });
  });
  after(() => helper.settings({}));

  describe('OctoPrint', () => {
    const SECRETS = [secret('OctoPrint API key', OCTO_KEY), secret('wrong OctoPrint key', OCTO_WRONG), secret('OctoPrint global key', OCTO_GLOBAL)];
    const types = [octoServerNode, octoSourceNode];
    const server = (id: string, url: string, extra: Record<string, unknown> = {}) => [
      { id, type: 'printhooks-octoprint-server', name: `Printer ${id}`, url, printerId: `p-${id}`, offlineDelay: 0.1, version: 1, ...extra },
      { id: `src-${id}`, type: 'printhooks-octoprint', server: id, version: 1, wires: [['out']] },
    ];

    it('normal path: events, snapshot and Test connection (typed and stored key) carry no key', async () => {
      const fake = await new FakeOctoPrint({ apiKey: OCTO_KEY }).start();
      cleanups.push(() => fake.stop());
      fake.camera = fakeJpeg(200);
      await audit.load(types, [...server('srv', fake.url), { id: 'out', type: 'helper' }], { srv: { apiKey: OCTO_KEY } });
      const got = collect('out');
      await until(() => fake.authedSockets === 1, 'authenticated socket');
      fake.startJob('benchy.gcode');
      fake.progress(50);
      fake.finishJob();
      await until(() => got.some((m) => m.topic === 'print.done'), 'print.done');
      assert.deepEqual(await fetchSnapshot('p-srv'), fake.camera);
      const typed = await audit.admin('post', '/printhooks-octoprint-server/test', { url: fake.url, apiKey: OCTO_KEY });
      const stored = await audit.admin('post', '/printhooks-octoprint-server/test', { id: 'srv', url: fake.url, apiKey: '__PWRD__' });
      assert.deepEqual([typed.body.ok, stored.body.ok], [true, true]);
      await helper.unload();
      const hay = audit.assertNoLeak(SECRETS);
      assert.match(hay, /print\.done/, 'the sent msgs were captured');
    });

    it('rejected key, global key, TLS mismatch, unreachable host and bad url: red status, no key anywhere', async () => {
      const fake = await new FakeOctoPrint({ apiKey: OCTO_KEY, globalKey: OCTO_GLOBAL }).start();
      const tlsFake = await new FakeOctoPrint({ apiKey: OCTO_KEY, tls: true }).start();
      cleanups.push(() => fake.stop(), () => tlsFake.stop());
      await audit.load(
        types,
        [
          ...server('wrong', fake.url),
          ...server('global', fake.url),
          ...server('tls', tlsFake.url),
          ...server('down', 'http://127.0.0.1:1'),
          ...server('badurl', `ftp://user:${OCTO_KEY}x@octopi.local`),
          { id: 'out', type: 'helper' },
        ],
        { wrong: { apiKey: OCTO_WRONG }, global: { apiKey: OCTO_GLOBAL }, tls: { apiKey: OCTO_KEY }, down: { apiKey: OCTO_KEY }, badurl: { apiKey: OCTO_KEY } },
      );
      await until(() => ['wrong', 'global', 'tls', 'down', 'badurl'].every((id) => red(audit, `src-${id}`)), 'red status on every source');
      const answers = [
        await audit.admin('post', '/printhooks-octoprint-server/test', { url: fake.url, apiKey: OCTO_WRONG }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { id: 'global', url: fake.url, apiKey: '__PWRD__' }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { id: 'tls', url: tlsFake.url, apiKey: '__PWRD__' }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { id: 'down', url: 'http://127.0.0.1:1', apiKey: '' }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { url: 'octopi.local', apiKey: OCTO_KEY }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { url: `user:${OCTO_KEY}@octopi.local`, apiKey: OCTO_KEY }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { url: `http://user:${OCTO_KEY}@octopi.local`, apiKey: OCTO_KEY }),
      ];
      assert.deepEqual(answers.map((a) => a.body.ok), [false, false, false, false, false, false, false]);
      await helper.unload();
      const hay = audit.assertNoLeak(SECRETS);
      assert.match(hay, /API key rejected/);
      assert.match(hay, /global API key/);
    });
  });

  describe('Moonraker', () => {
    const SECRETS = [secret('Moonraker API key', MOON_KEY), secret('wrong Moonraker key', MOON_WRONG)];
    const types = [moonServerNode, moonSourceNode];
    const server = (id: string, url: string) => [
      { id, type: 'printhooks-moonraker-server', name: `Printer ${id}`, url, reconnectMs: 20, klippyRetryMs: 40, version: 1 },
      { id: `src-${id}`, type: 'printhooks-moonraker', server: id, offlineDelayMs: 100, historyWaitMs: 200, version: 1, wires: [['out']] },
    ];

    it('normal path: events, snapshot and Test connection (typed and stored key) carry no key', async () => {
      const fake = new FakeMoonraker({ apiKey: MOON_KEY });
      await fake.listen();
      cleanups.push(() => fake.close());
      fake.webcams = [{ name: 'cam', enabled: true, snapshot_url: `${fake.url}/webcam/?action=snapshot` }];
      await audit.load(types, [...server('srv', fake.url), { id: 'out', type: 'helper' }], { srv: { apiKey: MOON_KEY } });
      const got = collect('out');
      await until(() => got.some((m) => m.topic === 'printer.online'), 'printer.online');
      fake.update({ print_stats: { filename: 'benchy.gcode', state: 'printing' }, virtual_sdcard: { progress: 0.5 } });
      await until(() => got.some((m) => m.topic === 'print.started'), 'print.started');
      fake.update({ print_stats: { state: 'complete' } });
      await until(() => got.some((m) => m.topic === 'print.done'), 'print.done');
      const printerId = (got[0].payload as { printer: { id: string } }).printer.id;
      assert.deepEqual(await fetchSnapshot(printerId), fake.snapshotBytes);
      const typed = await audit.admin('post', '/printhooks-moonraker-server/test', { url: fake.url, apiKey: MOON_KEY });
      const stored = await audit.admin('post', '/printhooks-moonraker-server/test', { id: 'srv', url: fake.url, apiKey: '__PWRD__' });
      assert.deepEqual([typed.body.ok, stored.body.ok], [true, true]);
      await helper.unload();
      const hay = audit.assertNoLeak(SECRETS);
      assert.match(hay, /print\.done/);
    });

    it('rejected key, unreachable host and bad url: red status, no key anywhere', async () => {
      const fake = new FakeMoonraker({ apiKey: MOON_KEY });
      await fake.listen();
      cleanups.push(() => fake.close());
      await audit.load(
        types,
        [...server('wrong', fake.url), ...server('down', 'http://127.0.0.1:1'), ...server('badurl', `ftp://${MOON_KEY}@nope`), { id: 'out', type: 'helper' }],
        { wrong: { apiKey: MOON_WRONG }, down: { apiKey: MOON_KEY }, badurl: { apiKey: MOON_KEY } },
      );
      await until(() => ['wrong', 'down', 'badurl'].every((id) => red(audit, `src-${id}`)), 'red status on every source');
      const answers = [
        await audit.admin('post', '/printhooks-moonraker-server/test', { url: fake.url, apiKey: MOON_WRONG }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { id: 'wrong', url: fake.url, apiKey: '__PWRD__' }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { id: 'down', url: 'http://127.0.0.1:1' }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { url: 'ftp://nope', apiKey: MOON_KEY }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { url: `ftp://user:${MOON_KEY}@nope`, apiKey: MOON_KEY }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { url: `user:${MOON_KEY}@nope`, apiKey: MOON_KEY }),
      ];
      assert.deepEqual(answers.map((a) => a.body.ok), [false, false, false, false, false, false]);
      await helper.unload();
      const hay = audit.assertNoLeak(SECRETS);
      assert.match(hay, /unauthorized/i);
    });
  });

  describe('Bambu', () => {
    const SECRETS = [secret('Bambu access code', BAMBU_CODE), secret('wrong Bambu access code', BAMBU_WRONG)];
    const types = [bambuPrinterNode, bambuSourceNode];
    const printer = (id: string, port: number, serial: string, extra: Record<string, unknown> = {}) => [
      { id, type: 'printhooks-bambu-printer', name: `Printer ${id}`, host: '127.0.0.1', port, serial, tls: 'pin', reconnectMs: 20, slowRetryMs: 200, version: 1, ...extra },
      { id: `src-${id}`, type: 'printhooks-bambu', printer: id, offlineDelayMs: 100, version: 1, wires: [['out']] },
    ];

    it('normal path: events, camera snapshot, pin and Test connection (typed and stored code) carry no code', async () => {
      const fake = await new FakePrinter({ accessCode: BAMBU_CODE, productName: 'Bambu Lab P1S' }).start();
      cleanups.push(() => fake.stop());
      await audit.load(types, [...printer('cfg', fake.port, fake.serial, { cameraPort: fake.cameraPort }), { id: 'out', type: 'helper' }], { cfg: { accessCode: BAMBU_CODE } });
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
      const stored = await audit.admin('post', '/printhooks-bambu-printer/test', { ...body, accessCode: '__PWRD__' });
      const typed = await audit.admin('post', '/printhooks-bambu-printer/test', { ...body, id: '', accessCode: BAMBU_CODE });
      const pin = await audit.admin('get', `/printhooks-bambu-printer/pin?serial=${fake.serial}`);
      assert.deepEqual([stored.body.ok, typed.body.ok], [true, true], stored.text);
      assert.equal(pin.body.fingerprint, new X509Certificate(fake.pki.cert).fingerprint256);
      await helper.unload();
      const hay = audit.assertNoLeak(SECRETS);
      assert.match(hay, /bambu-pins\.json/, 'the pin file was audited');
    });

    it('rejected code, TLS mismatch, bad config and unreachable printer: red status, no code anywhere', async () => {
      const fake = await new FakePrinter({ accessCode: BAMBU_CODE }).start();
      const other = await new FakePrinter({ accessCode: BAMBU_CODE, serial: '01P00A000000002', otherCert: true }).start();
      cleanups.push(() => fake.stop(), () => other.stop());
      new PinStore(path.join(userDir, 'printhooks', 'bambu-pins.json')).set(other.serial, new X509Certificate(other.pki.cert).fingerprint256);
      await audit.load(
        types,
        [
          ...printer('wrong', fake.port, fake.serial),
          ...printer('tls', other.port, other.serial),
          ...printer('badca', fake.port, '01P00A000000003', { tls: 'ca', ca: 'not a pem' }),
          ...printer('down', 1, '01P00A000000004', { tls: 'insecure' }),
          { id: 'out', type: 'helper' },
        ],
        { wrong: { accessCode: BAMBU_WRONG }, tls: { accessCode: BAMBU_CODE }, badca: { accessCode: BAMBU_CODE }, down: { accessCode: BAMBU_CODE } },
      );
      await until(() => ['wrong', 'tls', 'badca', 'down'].every((id) => red(audit, `src-${id}`)), 'red status on every source');
      const body = (id: string, port: number, serial: string, accessCode: string) => ({ id, host: '127.0.0.1', port, serial, tls: 'pin', accessCode });
      const answers = [
        await audit.admin('post', '/printhooks-bambu-printer/test', body('', fake.port, fake.serial, BAMBU_WRONG)),
        await audit.admin('post', '/printhooks-bambu-printer/test', body('tls', other.port, other.serial, '__PWRD__')),
        await audit.admin('post', '/printhooks-bambu-printer/test', body('down', 1, '01P00A000000004', '__PWRD__')),
        await audit.admin('post', '/printhooks-bambu-printer/test', body('', fake.port, '', BAMBU_CODE)),
        await audit.admin('post', '/printhooks-bambu-printer/repin', { serial: other.serial }),
      ];
      assert.deepEqual(answers.map((a) => a.body.ok), [false, false, false, false, true]);
      await helper.unload();
      const hay = audit.assertNoLeak(SECRETS);
      assert.match(hay, /access code or serial rejected/);
      assert.match(hay, /certificate changed/);
    });
  });
});
