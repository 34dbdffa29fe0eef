import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs, { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { helper, nodeRedLine } from './helper';
import printerNode = require('../../nodes/printhooks-bambu-printer/printhooks-bambu-printer');
import sourceNode = require('../../nodes/printhooks-bambu/printhooks-bambu');
import { fetchSnapshot, hasSnapshotProvider } from '../../src/snapshot/registry';
import { PinStore } from '../../src/sources/bambu/pin-store';
import { FAKE_JPEG, FakePrinter } from '../fakes/bambu/fake-printer';
import { delta, idleAfterFinish } from '../fakes/bambu/reports';

/** The core switch node of the Node-RED line under test, to load the shipped example as it is. */
function coreSwitch(): unknown {
  const pkg = nodeRedLine === '4' ? 'node-red-4' : 'node-red';
  const nodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve(`${pkg}/package.json`))] }));
  return require(path.join(nodesDir, 'core', 'function', '10-switch.js'));
}

type Msg = { topic: string; payload: { id: string; type: string; job?: { id: string; file?: string }; error?: { code?: string }; printer: { id: string; kind: string } } };
type FlowItem = { id: string; type: string; [key: string]: unknown };
type Status = { fill?: string; shape?: string; text?: string };

function flow(printer: FakePrinter, extra: Record<string, unknown> = {}, sources = 1): FlowItem[] {
  const nodes: FlowItem[] = [
    { id: 'cfg', type: 'printhooks-bambu-printer', name: 'P1S', host: '127.0.0.1', port: printer.port, serial: printer.serial, tls: 'pin', reconnectMs: 20, slowRetryMs: 200, cameraPort: printer.cameraPort, ...extra },
    { id: 'out', type: 'helper' },
  ];
  for (let i = 0; i < sources; i += 1) nodes.push({ id: `src${i}`, type: 'printhooks-bambu', printer: 'cfg', offlineDelayMs: 100, wires: [['out']] });
  return nodes;
}

function load(nodes: FlowItem[], accessCode: string | undefined): Promise<void> {
  const credentials = accessCode === undefined ? {} : { cfg: { accessCode } };
  return helper.load([printerNode, sourceNode], nodes as never, credentials as never);
}

function statuses(id: string): Status[] {
  const spy = (helper.getNode(id) as unknown as { status: { getCalls(): Array<{ args: Status[] }> } }).status;
  return spy.getCalls().map((c) => c.args[0]);
}

async function until(predicate: () => boolean, timeoutMs = 4000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe(`printhooks-bambu nodes (Node-RED ${nodeRedLine})`, function () {
  let printer: FakePrinter;
  let userDir: string;

  beforeEach(async () => {
    userDir = mkdtempSync(path.join(tmpdir(), 'printhooks-bambu-userdir-'));
    helper.settings({ userDir });
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await printer?.stop();
  });

  const pins = () => new PinStore(path.join(userDir, 'printhooks', 'bambu-pins.json'));

  it('emits canonical events on msg.topic / msg.payload and shows the job in the status', async () => {
    printer = await new FakePrinter({ productName: 'Bambu Lab X1-Carbon' }).start();
    await load(flow(printer), printer.accessCode);
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
    printer.publish(delta({ gcode_state: 'RUNNING', subtask_name: 'benchy', gcode_start_time: '1763900100', mc_percent: 10 }));
    await until(() => statuses('src0').some((s) => s.text === 'printing 10%'));
    printer.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
    await until(() => msgs.some((m) => m.topic === 'print.done'));
    const done = msgs.find((m) => m.topic === 'print.done')!;
    assert.equal(done.payload.type, 'print.done');
    assert.equal(done.payload.job?.file, 'benchy');
    assert.equal(done.payload.printer.kind, 'bambu');
    assert.match(done.payload.printer.id, /^bambu-[0-9a-f]{12}$/);
    const seen = statuses('src0');
    assert.deepEqual(seen[0], { fill: 'grey', shape: 'ring', text: 'idle' });
    assert.ok(seen.some((s) => s.fill === 'yellow' && s.shape === 'ring'));
    assert.ok(seen.some((s) => s.fill === 'green' && s.text === 'printing 10%'));
    assert.deepEqual(seen[seen.length - 1], { fill: 'grey', shape: 'dot', text: 'idle' });
    assert.equal(pins().get(printer.serial), new X509Certificate(printer.pki.cert).fingerprint256);
  });

  it('an idle printer still reporting FINISH emits only printer.online', async () => {
    printer = await new FakePrinter({ state: idleAfterFinish() }).start();
    await load(flow(printer), printer.accessCode);
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(msgs.map((m) => m.topic), ['printer.online']);
  });

  it('two source nodes share one connection, which closes within a second when they stop', async () => {
    printer = await new FakePrinter().start();
    await load(flow(printer, {}, 2), printer.accessCode);
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.filter((m) => m.topic === 'printer.online').length === 2);
    assert.equal(printer.connections, 1);
    const started = Date.now();
    await helper.unload();
    assert.ok(Date.now() - started < 1000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(printer.connections, 1, 'no reconnect after the last user left');
  });

  it('a wrong access code shows a red ring "access code or serial rejected"', async () => {
    printer = await new FakePrinter().start();
    await load(flow(printer), 'wrong');
    await until(() => statuses('src0').some((s) => s.fill === 'red'));
    assert.deepEqual(statuses('src0').find((s) => s.fill === 'red'), { fill: 'red', shape: 'ring', text: 'access code or serial rejected' });
  });

  it('a changed certificate under pin is refused with a red status until re-pinned from the editor', async () => {
    printer = await new FakePrinter({ otherCert: true }).start();
    pins().set(printer.serial, new X509Certificate(printer.pki.cert).fingerprint256);
    await load(flow(printer), printer.accessCode);
    await until(() => statuses('src0').some((s) => s.fill === 'red'));
    assert.match(statuses('src0').find((s) => s.fill === 'red')!.text!, /^certificate changed/);
    assert.equal(printer.connections + printer.authFailures, 0);
    const shown = await helper.request().get('/printhooks-bambu-printer/pin').query({ serial: printer.serial }).expect(200);
    assert.equal(shown.body.fingerprint, new X509Certificate(printer.pki.cert).fingerprint256);
    await helper.request().post('/printhooks-bambu-printer/repin').send({ serial: printer.serial }).expect(200);
    await until(() => statuses('src0').at(-1)?.text === 'idle' && statuses('src0').at(-1)?.shape === 'dot');
    assert.equal(pins().get(printer.serial), new X509Certificate(printer.pki.otherCert).fingerprint256);
  });

  it('a bad config gives a red ring and stays deployed', async () => {
    printer = await new FakePrinter().start();
    await load(flow(printer), undefined);
    assert.deepEqual(statuses('src0').at(-1), { fill: 'red', shape: 'ring', text: "access code: copy it from the printer's…" });
    await helper.unload();
    await load(flow(printer, { tls: 'ca', ca: 'not a pem' }), printer.accessCode);
    assert.match(statuses('cfg').at(-1)!.text!, /ca: paste/);
    await helper.unload();
    await load(flow(printer, { fingerprint: 'zz' }), printer.accessCode);
    assert.match(statuses('src0').at(-1)!.text!, /^fingerprint: 64 hex/);
  });

  it('Test connection reports model and state, uses the deployed access code, and names problems', async () => {
    printer = await new FakePrinter({ productName: 'Bambu Lab A1', state: idleAfterFinish() }).start();
    await load(flow(printer), printer.accessCode);
    const body = { id: 'cfg', host: '127.0.0.1', port: printer.port, serial: printer.serial, tls: 'insecure' };
    const ok = await helper.request().post('/printhooks-bambu-printer/test').send({ ...body, accessCode: '__PWRD__' }).expect(200);
    assert.equal(ok.body.ok, true, ok.body.message);
    assert.equal(ok.body.message, 'Reachable · auth OK · Bambu Lab A1 firmware 01.08.02.00 · printer FINISH');
    assert.deepEqual([ok.body.model, ok.body.version, ok.body.state], ['A1', '01.08.02.00', 'FINISH']);
    const wrong = await helper.request().post('/printhooks-bambu-printer/test').send({ ...body, accessCode: 'nope' }).expect(200);
    assert.deepEqual([wrong.body.ok, wrong.body.problem, wrong.body.message], [false, 'auth', 'access code or serial rejected']);
    const bad = await helper.request().post('/printhooks-bambu-printer/test').send({ ...body, id: 'none', serial: '' }).expect(200);
    assert.equal(bad.body.ok, false);
    assert.equal(bad.body.problem, 'config');
    assert.match(bad.body.message, /^serial:/);
  });

  it('offers the camera snapshot of a P1/A1 printer to the template node', async () => {
    printer = await new FakePrinter({ productName: 'Bambu Lab P1S' }).start();
    await load(flow(printer), printer.accessCode);
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.length > 0);
    const id = msgs[0].payload.printer.id;
    assert.ok(hasSnapshotProvider(id));
    const frame = await fetchSnapshot(id);
    assert.ok(frame?.equals(FAKE_JPEG));
    await helper.unload();
    assert.equal(hasSnapshotProvider(id), false);
  });

  it('loads a saved config without a version (migration to version 1)', async () => {
    printer = await new FakePrinter().start();
    const nodes = flow(printer);
    delete nodes[0].version;
    await load(nodes, printer.accessCode);
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
  });

  it('runs the shipped example flow: a job end reaches the first switch output', async () => {
    printer = await new FakePrinter().start();
    const file = path.resolve(__dirname, '..', '..', 'examples', 'Bambu Lab - print events to a debug.json');
    const example = JSON.parse(fs.readFileSync(file, 'utf8')) as FlowItem[];
    const nodes = example
      .filter((n) => n.type !== 'comment')
      .map(({ z: _z, x: _x, y: _y, ...n }) => {
        // The editor places imported nodes on a tab; the helper wants them without tab or position.
        if (n.type === 'printhooks-bambu-printer') return { ...n, host: '127.0.0.1', port: printer.port, serial: printer.serial };
        if (n.type === 'debug') return { id: n.id, type: 'helper' };
        return n;
      });
    await helper.load([printerNode, sourceNode, coreSwitch()] as never, nodes as never, { ba0b000000000010: { accessCode: printer.accessCode } } as never);
    const ends: Msg[] = [];
    const rest: Msg[] = [];
    helper.getNode('ba0b000000000004').on('input', (msg: unknown) => ends.push(msg as Msg));
    helper.getNode('ba0b000000000005').on('input', (msg: unknown) => rest.push(msg as Msg));
    await until(() => rest.some((m) => m.topic === 'printer.online'));
    printer.publish(delta({ gcode_state: 'RUNNING', subtask_name: 'benchy', gcode_start_time: '1763900100' }));
    await until(() => rest.some((m) => m.topic === 'print.started'));
    printer.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
    await until(() => ends.some((m) => m.topic === 'print.done'));
    assert.equal(rest.some((m) => m.topic === 'print.done'), false);
  });
});
