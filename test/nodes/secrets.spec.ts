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
import { fetchSnapshot } from '../../src/snapshot/registry';
import { createAttemptSigner } from '../../src/sign/attempt-signer';
import { parseSigningConfig } from '../../src/sign/config';
import { publicKeyFor } from '../../src/sign/keys';
import { PinStore } from '../../src/sources/bambu/pin-store';
import octoServerNode = require('../../nodes/printhooks-octoprint-server/printhooks-octoprint-server');
import octoSourceNode = require('../../nodes/printhooks-octoprint/printhooks-octoprint');
import moonServerNode = require('../../nodes/printhooks-moonraker-server/printhooks-moonraker-server');
import moonSourceNode = require('../../nodes/printhooks-moonraker/printhooks-moonraker');
import bambuPrinterNode = require('../../nodes/printhooks-bambu-printer/printhooks-bambu-printer');
import bambuSourceNode = require('../../nodes/printhooks-bambu/printhooks-bambu');
import signerNode = require('../../nodes/printhooks-signer/printhooks-signer');
import verifyNode = require('../../nodes/printhooks-verify/printhooks-verify');
import endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
import senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
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

/** Fetches a printer's snapshot and notes the outcome: its error text is what the template would show. */
async function noteSnapshot(audit: LeakAudit, printerId: string): Promise<string> {
  const outcome = await fetchSnapshot(printerId).then(
    (bytes) => `bytes: ${bytes ? bytes.length : 'none'}`,
    (err: Error) => `error: ${err.message}\n${err.stack ?? ''}`,
  );
  audit.note(`snapshot ${printerId}`, outcome);
  return outcome;
}

/** A receiver that redirects every request to a second one, which must never see a credential. */
async function redirector(cleanups: Array<() => Promise<void> | void>): Promise<{ from: FakeReceiver; to: FakeReceiver }> {
  const to = await new FakeReceiver().start();
  const from = await new FakeReceiver().start();
  from.answer((req) => ({ status: 302, headers: { location: `${to.url}${req.path}` } }));
  cleanups.push(() => from.stop(), () => to.stop());
  return { from, to };
}

const printerIdOf = (id: string) => (helper.getNode(id) as unknown as { printer: { id: string } }).printer.id;

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
      { id: `src-${id}`, type: 'printhooks-octoprint', server: id, includeRaw: true, version: 1, wires: [['out']] },
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
      // The login session authenticates the push socket: as much a secret as the key.
      const sessions = fake.received.flat().map((m) => String((m as { auth?: string }).auth ?? '').split(':')[1]).filter(Boolean);
      assert.ok(sessions.length > 0, 'the socket was authenticated with a session');
      const hay = audit.assertNoLeak([...SECRETS, ...sessions.map((x) => secret('OctoPrint session', x))]);
      assert.match(hay, /print\.done/, 'the sent msgs were captured');
      assert.match(hay, /PrintDone/, 'raw OctoPrint frames were in the msgs');
    });

    it('rejected key, global key, TLS mismatch, unreachable host and bad url: red status, no key anywhere', async () => {
      const redirect = await redirector(cleanups);
      const fake = await new FakeOctoPrint({ apiKey: OCTO_KEY, globalKey: OCTO_GLOBAL }).start();
      const tlsFake = await new FakeOctoPrint({ apiKey: OCTO_KEY, tls: true }).start();
      fake.camera = fakeJpeg(100);
      tlsFake.camera = fakeJpeg(100);
      cleanups.push(() => fake.stop(), () => tlsFake.stop());
      await audit.load(
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
      await until(() => ['wrong', 'global', 'tls', 'down', 'badurl', 'redirect'].every((id) => red(audit, `src-${id}`)), 'red status on every source');
      const answers = [
        await audit.admin('post', '/printhooks-octoprint-server/test', { url: fake.url, apiKey: OCTO_WRONG }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { id: 'global', url: fake.url, apiKey: '__PWRD__' }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { id: 'tls', url: tlsFake.url, apiKey: '__PWRD__' }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { id: 'down', url: 'http://127.0.0.1:1', apiKey: '' }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { url: 'octopi.local', apiKey: OCTO_KEY }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { url: `user:${OCTO_KEY}@octopi.local`, apiKey: OCTO_KEY }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { url: `http://user:${OCTO_KEY}@octopi.local`, apiKey: OCTO_KEY }),
        await audit.admin('post', '/printhooks-octoprint-server/test', { id: 'redirect', url: redirect.from.url, apiKey: '__PWRD__' }),
      ];
      assert.deepEqual(answers.map((a) => a.body.ok), [false, false, false, false, false, false, false, false]);
      assert.ok(redirect.from.received.length > 0);
      assert.equal(redirect.to.received.length, 0, 'a redirect is not followed, so the key stays with the configured host');
      assert.deepEqual([tlsFake.requests.length, tlsFake.logins], [0, 0], 'an untrusted certificate gets no request, so never the key');
      // The global key may read the webcam over REST; the others cannot.
      const snapshots = await Promise.all(['wrong', 'tls', 'down'].map((id) => noteSnapshot(audit, `p-${id}`)));
      await noteSnapshot(audit, 'p-global');
      assert.ok(snapshots.every((o) => o.startsWith('error')), snapshots.join('; '));
      // The same host and port over plain http (URL.host omits default ports, so https://octopi.local and
      // http://octopi.local look alike): the key must not go there in clear.
      const plain = await new FakeReceiver().start();
      cleanups.push(() => plain.stop());
      plain.reply({ status: 200, headers: { 'content-type': 'image/jpeg' }, body: '\xff\xd8\xff\xd9' });
      await helper.setFlows([...server('mixed', `https://127.0.0.1:${plain.port}`, { snapshotUrl: `http://127.0.0.1:${plain.port}/snap` }), { id: 'out', type: 'helper' }] as never, 'full', { mixed: { apiKey: OCTO_KEY } } as never);
      await noteSnapshot(audit, 'p-mixed');
      assert.equal(plain.received.filter((r) => r.path === '/snap').length, 1, 'the snapshot was fetched');
      assert.equal(plain.received.find((r) => r.path === '/snap')?.headers['x-api-key'], undefined, 'no key over plain http');
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
      { id: `src-${id}`, type: 'printhooks-moonraker', server: id, offlineDelayMs: 100, historyWaitMs: 200, includeRaw: true, version: 1, wires: [['out']] },
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
      fake.webcams = [{ name: 'cam', enabled: true, snapshot_url: `${fake.url}/webcam/?action=snapshot` }];
      const redirect = await redirector(cleanups);
      const tlsRx = await new FakeReceiver({ tls: true }).start();
      cleanups.push(() => tlsRx.stop());
      const tlsUrl = `https://127.0.0.1:${tlsRx.port}`;
      await audit.load(
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
      await until(() => ['wrong', 'down', 'badurl', 'redirect', 'tls'].every((id) => red(audit, `src-${id}`)), 'red status on every source');
      const answers = [
        await audit.admin('post', '/printhooks-moonraker-server/test', { url: fake.url, apiKey: MOON_WRONG }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { id: 'wrong', url: fake.url, apiKey: '__PWRD__' }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { id: 'down', url: 'http://127.0.0.1:1' }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { url: 'ftp://nope', apiKey: MOON_KEY }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { url: `ftp://user:${MOON_KEY}@nope`, apiKey: MOON_KEY }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { url: `user:${MOON_KEY}@nope`, apiKey: MOON_KEY }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { id: 'redirect', url: redirect.from.url, apiKey: '__PWRD__' }),
        await audit.admin('post', '/printhooks-moonraker-server/test', { id: 'tls', url: tlsUrl, apiKey: '__PWRD__' }),
      ];
      assert.deepEqual(answers.map((a) => a.body.ok), [false, false, false, false, false, false, false, false]);
      assert.ok(redirect.from.received.length > 0);
      assert.equal(redirect.to.received.length, 0, 'a redirect is not followed, so the key stays with the configured host');
      assert.equal(tlsRx.received.length, 0, 'an untrusted certificate never receives the key');
      const snapshots = await Promise.all(['wrong', 'down', 'redirect', 'tls'].map((id) => noteSnapshot(audit, printerIdOf(id))));
      assert.ok(snapshots.every((o) => o.startsWith('error')), snapshots.join('; '));
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
      { id: `src-${id}`, type: 'printhooks-bambu', printer: id, offlineDelayMs: 100, includeRaw: true, version: 1, wires: [['out']] },
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
          ...printer('wrong', fake.port, fake.serial, { cameraPort: fake.cameraPort }),
          ...printer('tls', other.port, other.serial, { cameraPort: other.cameraPort }),
          ...printer('badca', fake.port, '01P00A000000003', { tls: 'ca', ca: 'not a pem' }),
          ...printer('down', 1, '01P00A000000004', { tls: 'insecure', cameraPort: 1 }),
          { id: 'out', type: 'helper' },
        ],
        { wrong: { accessCode: BAMBU_WRONG }, tls: { accessCode: BAMBU_CODE }, badca: { accessCode: BAMBU_CODE }, down: { accessCode: BAMBU_CODE } },
      );
      await until(() => ['wrong', 'tls', 'badca', 'down'].every((id) => red(audit, `src-${id}`)), 'red status on every source');
      const snapshots = await Promise.all(['wrong', 'tls', 'down'].map((id) => noteSnapshot(audit, printerIdOf(id))));
      assert.ok(snapshots.every((o) => o.startsWith('error')), snapshots.join('; '));
      assert.deepEqual([other.cameraLogins.length, other.connections + other.authFailures], [0, 0], 'a printer with a changed certificate never receives the code');
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
      cleanups.push(() => rx.stop());
      rx.reply(...SIGNERS.map(() => ({ status: 503 })));
      const flow: object[] = [
        { id: 't1', type: 'tab' },
        ...SIGNERS.map(([id, scheme, , extra]) => ({ id, z: 't1', type: 'printhooks-signer', scheme, version: 1, ...extra, wires: [['out', 'snd']] })),
        { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, version: 1 },
        { id: 'snd', z: 't1', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [['ok'], ['dead']] },
        { id: 'out', z: 't1', type: 'helper' },
        { id: 'ok', z: 't1', type: 'helper' },
        { id: 'dead', z: 't1', type: 'helper' },
      ];
      await audit.load(types, flow, Object.fromEntries(SIGNERS.map(([id, , secrets]) => [id, { secrets }])));
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
        await audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'standard-webhooks' }),
        await audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'standard-webhooks' }),
        await audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'standard-webhooks-ed25519' }),
        await audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'github' }),
        await audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'token' }),
      ];
      const fresh = keys.map((k) => String(k.body.secret));
      assert.equal(new Set(fresh).size, fresh.length, 'every Generate is a new secret');
      const ed = await audit.admin('get', '/printhooks-signer/s-ed/public-keys');
      assert.deepEqual(ed.body, { publicKeys: [publicKeyFor(WHSK)] });
      const sw = await audit.admin('get', '/printhooks-signer/s-sw/public-keys');
      assert.deepEqual(sw.body, { publicKeys: [] });
      await helper.unload();
      const hay = audit.assertNoLeak([...SIGNING_SECRETS, secret('rotated standard-webhooks secret', WHSEC_OLD, Buffer.from('SECRET-sw-rotated-key-1b2c'))]);
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
      await audit.load(types, flow, Object.fromEntries([...bad, ...good].map(([id, , secrets]) => [id, { secrets }])));
      const out = collect('out');
      const caught = collect('caught');
      for (const [id] of bad) assert.ok(red(audit, id), `${id} shows a red status`);
      const circular: Record<string, unknown> = { type: 'print.done' };
      circular.self = circular;
      for (const [id] of bad) node(id).receive({ payload: event });
      for (const [id] of good) for (const payload of [42, circular, { n: 10n }, null]) node(id).receive({ payload });
      const expected = bad.length + good.length * 4;
      await until(() => caught.length === expected, `${expected} errors caught`);
      assert.equal(out.length, 0);
      const typed = await audit.admin('post', '/printhooks-signer/keys', { action: 'public-key', secret: TYPED });
      assert.equal(typed.status, 400);
      const unknown = await audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: 'nope' });
      assert.equal(unknown.status, 400);
      await helper.unload();
      const hay = audit.assertNoLeak([
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
      await audit.load(types, flowOf(), credentialsOf());
      const valid = collect('valid');
      for (const [id] of VERIFIERS) node(`sg-${id}`).receive({ payload: JSON.parse(BODY) });
      await until(() => valid.length === VERIFIERS.length, 'every webhook verified');
      const keys = [
        await audit.admin('post', '/printhooks-verify/keys', { action: 'generate', scheme: 'standard-webhooks' }),
        await audit.admin('post', '/printhooks-verify/keys', { action: 'generate', scheme: 'standard-webhooks-ed25519' }),
      ];
      assert.ok(keys.every((k) => typeof k.body.secret === 'string' && k.body.secret !== WHSEC && k.body.secret !== WHSK));
      await helper.unload();
      const hay = audit.assertNoLeak(SIGNING_SECRETS, { authorization: `Bearer ${TOKEN}` });
      assert.match(hay, /"valid":true/);
    });

    it('forged signatures, wrong token, bad msgs and bad config: neither the secret nor the expected signature leaks', async () => {
      const BAD = 'whsec_SECRET-verify-bad-7f3a$$';
      const BAD_PK = 'whpk_SECRET-verify-bad-pk-7f3a';
      await audit.load(
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
        assert.ok(red(audit, id), `${id} shows a red status`);
        node(id).receive({ payload: Buffer.from(BODY), req: { headers: forged.gh } });
      }
      await until(() => rejected.length + caught.length === VERIFIERS.length * 4 + 3, 'every bad msg answered');
      assert.equal(caught.length >= 3, true);
      await helper.unload();
      const hay = audit.assertNoLeak([...SIGNING_SECRETS, ...expectedSignatures, secret('malformed whsec_', BAD), secret('malformed whpk_', BAD_PK)]);
      assert.match(hay, /bad-signature/);
    });
  });

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
      cleanups.push(() => rx.stop());
      rx.reply({ status: 503 }, { status: 503 });
      await audit.load(types, [{ id: 't1', type: 'tab' }, ...pair('token', `${rx.url}/t`), ...pair('basic', `${rx.url}/b`), ...tail], { 'ep-token': TOKEN_CREDS, 'ep-basic': BASIC_CREDS });
      const ok = collect('ok');
      node('snd-token').receive({ payload: { type: 'print.done' } });
      node('snd-basic').receive({ payload: 'plain text' });
      await until(() => ok.length === 2, 'both delivered');
      const auth = rx.received.map((r) => r.headers.authorization).sort();
      assert.deepEqual([...new Set(auth)], [`Basic ${Buffer.from(`${EP_USER}:${EP_PASS}`).toString('base64')}`, `Bearer ${EP_TOKEN}`]);
      const enabled = await audit.admin('post', '/printhooks-endpoint/ep-token/enable');
      assert.equal(enabled.body.enabled, true);
      await helper.unload();
      const hay = audit.assertNoLeak(SECRETS);
      assert.match(hay, /outbox/, 'the outbox files were audited');
    });

    it('401, 410 Gone, unreachable host, TLS mismatch and bad config: no credential in dead letters, status, logs or files', async () => {
      const rx = await new FakeReceiver().start();
      const tlsRx = await new FakeReceiver({ tls: true }).start();
      cleanups.push(() => rx.stop(), () => tlsRx.stop());
      const redirect = await redirector(cleanups);
      rx.answer((req) => ({ status: req.path.startsWith('/gone') ? 410 : 401, body: 'no' }));
      await audit.load(
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
      await until(() => dead.length === 4 && audit.statuses('snd-gone').some((st) => /disabled/.test(st.text ?? '')), 'four dead letters and a disabled endpoint', 8000);
      assert.deepEqual(dead.map((m) => (m.delivery as { status?: number }).status ?? 'no answer').sort(), [302, 401, 'no answer', 'no answer']);
      assert.equal(redirect.to.received.length, 0, 'a redirect is not followed, so the credentials stay with the endpoint');
      assert.equal(tlsRx.received.length, 0, 'an untrusted certificate never receives the credentials');
      const gone = await audit.admin('post', '/printhooks-endpoint/ep-gone/enable');
      assert.equal(gone.body.wasDisabled, true);
      await audit.admin('post', '/printhooks-endpoint/ep-bad/enable');
      await helper.unload();
      const hay = audit.assertNoLeak([...SECRETS, secret('pasted token', BAD_TOKEN), secret('pasted token (first line)', 'SECRET-ep-pasted-7f3a')]);
      assert.match(hay, /printhooks-endpoint: /, 'the config error was captured');
      assert.match(hay, /token contains a line break/, 'the pasted token is refused, naming the field');
      assert.equal(rx.received.filter((r) => r.headers['x-injected'] !== undefined).length, 0, 'no header injected');
    });
  });

  describe('flow JSON', () => {
    // What the editor saves: a credential field in `defaults` would be written to flows.json in clear.
    const CREDENTIALS: Record<string, Record<string, 'password' | 'text'>> = {
      'printhooks-octoprint-server': { apiKey: 'password' },
      'printhooks-moonraker-server': { apiKey: 'password' },
      'printhooks-bambu-printer': { accessCode: 'password' },
      'printhooks-signer': { secrets: 'password' },
      'printhooks-verify': { secrets: 'password' },
      'printhooks-endpoint': { token: 'password', username: 'text', password: 'password' },
    };

    /** The keys of the object literal that follows `name: {` in the editor definition. */
    function block(html: string, name: string): Record<string, string> {
      const start = html.indexOf(`${name}: {`);
      assert.ok(start >= 0, `${name} block`);
      let depth = 0;
      let end = start + name.length + 2;
      for (; end < html.length; end += 1) {
        if (html[end] === '{') depth += 1;
        if (html[end] === '}' && --depth === 0) break;
      }
      const body = html.slice(start + name.length + 3, end);
      const fields: Record<string, string> = {};
      for (const m of body.matchAll(/^\s*(\w+)\s*:\s*\{([^}]*)\}/gm)) fields[m[1]] = m[2];
      return fields;
    }

    for (const [type, fields] of Object.entries(CREDENTIALS)) {
      it(`${type}: every secret is a credential (password type), none is a default`, () => {
        const html = fs.readFileSync(path.resolve(__dirname, '..', '..', 'nodes', type, `${type}.html`), 'utf8');
        const defaults = block(html, 'defaults');
        const credentials = block(html, 'credentials');
        assert.ok(Object.keys(defaults).length > 0, 'defaults parsed');
        for (const [name, kind] of Object.entries(fields)) {
          assert.ok(!(name in defaults), `${name} must not be in defaults`);
          assert.match(credentials[name] ?? '', new RegExp(`type:\\s*'${kind}'`), `${name} is a ${kind} credential`);
        }
      });
    }
  });

  describe('the audit itself', () => {
    it('finds a planted secret in every channel it watches, in every encoding', async () => {
      const PLANTED = 'SECRET-planted-7f3a';
      const bytes = Buffer.from(PLANTED);
      const channels: Array<[string, (n: Record<string, (...a: unknown[]) => void>) => void | Promise<unknown>]> = [
        ['node.warn', (n) => n.warn(`oops ${PLANTED}`)],
        ['node.log (base64)', (n) => n.log(bytes.toString('base64'))],
        ['node.error (hex, in an Error)', (n) => n.error(new Error(`failed: ${bytes.toString('hex')}`))],
        ['node.status (URL-encoded)', (n) => n.status({ text: encodeURIComponent(`${PLANTED} ?`) })],
        ['node.send (Buffer)', (n) => n.send({ payload: Buffer.from(`x${PLANTED}`) })],
        ['node.send (base64url)', (n) => n.send({ payload: { deep: [bytes.toString('base64url')] } })],
        ['file', () => fs.writeFileSync(path.join(userDir, 'planted.bin'), Buffer.concat([Buffer.from([0, 1]), bytes]))],
        ['admin answer', () => audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: PLANTED })],
      ];
      for (const [channel, plant] of channels) {
        audit = new LeakAudit();
        audit.dirs.push(userDir);
        // Wired: Node-RED gives a node without wires a no-op send that no spy sees (and no msg leaves).
        await audit.load([signerNode], [{ id: 'h1', type: 'helper', wires: [['h2']] }, { id: 'h2', type: 'helper' }]);
        assert.doesNotMatch(audit.haystack(), /SECRET-planted/);
        await plant(helper.getNode('h1') as unknown as Record<string, (...a: unknown[]) => void>);
        await helper.unload();
        assert.throws(() => audit.assertNoLeak([secret('planted', PLANTED)]), /planted leaked/, channel);
        fs.rmSync(path.join(userDir, 'planted.bin'), { force: true });
      }
    });
  });
});
