import assert from 'node:assert/strict';
import fs, { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { helper, nodeRedLine } from './helper';
import printerNode = require('../../nodes/printhooks-creality-printer/printhooks-creality-printer');
import sourceNode = require('../../nodes/printhooks-creality/printhooks-creality');
import { fetchSnapshot, hasSnapshotProvider } from '../../src/snapshot/registry';
import { FakeCreality } from '../fakes/creality/fake-creality';

type Msg = { topic: string; payload: { id: string; type: string; reason?: string; job?: { id: string; file?: string; progress?: number; layer?: number }; error?: { code?: string }; printer: { id: string; kind: string } } };
type FlowItem = { id: string; type: string; [key: string]: unknown };
type Status = { fill?: string; shape?: string; text?: string };

/** The core switch node of the Node-RED line under test, to load the shipped example as it is. */
function coreSwitch(): unknown {
  const pkg = nodeRedLine === '4' ? 'node-red-4' : 'node-red';
  const nodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve(`${pkg}/package.json`))] }));
  return require(path.join(nodesDir, 'core', 'function', '10-switch.js'));
}

function flow(fake: FakeCreality, printer: Record<string, unknown> = {}): FlowItem[] {
  return [
    { id: 'prn', type: 'printhooks-creality-printer', name: 'K1C', host: '127.0.0.1', port: fake.port, reconnectMs: 20, cameraPort: fake.cameraPort, ...printer },
    { id: 'src', type: 'printhooks-creality', printer: 'prn', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ];
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

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`printhooks-creality nodes (Node-RED ${nodeRedLine})`, function () {
  let fake: FakeCreality;
  let userDir: string;
  let msgs: Msg[];

  async function load(nodes: FlowItem[], extra: unknown[] = []): Promise<void> {
    await helper.load([printerNode, sourceNode, ...extra] as never, nodes as never);
    msgs = [];
    helper.getNode('out')?.on('input', (msg: unknown) => msgs.push(msg as Msg));
  }
  const topics = () => msgs.map((m) => m.topic);
  const count = (topic: string) => msgs.filter((m) => m.topic === topic).length;

  beforeEach(async () => {
    userDir = mkdtempSync(path.join(tmpdir(), 'printhooks-creality-userdir-'));
    helper.settings({ userDir });
    fake = new FakeCreality({ allStrings: true });
    await fake.listen();
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await fake.close();
  });

  it('a print with a pause, numbers as strings: the exact lifecycle with milestones and layers; the finished job shown at connect is not announced', async () => {
    await load(flow(fake));
    await until(() => count('printer.online') === 1);
    await pause(50);
    assert.deepEqual(topics(), ['printer.online'], 'the idle printer still shows state 2 and cube.gcode at 100 %');
    fake.startPrint('benchy.gcode');
    for (const [percent, layer] of [[1, 1], [2, 2], [3, 3]]) fake.progress(percent, layer);
    await until(() => statuses('src').some((s) => s.fill === 'green' && s.text === 'printing 3%'));
    fake.pause();
    fake.resume();
    fake.progress(4, 4);
    fake.finish();
    await until(() => count('print.done') === 1);
    await pause(30);
    assert.deepEqual(topics(), [
      'printer.online', 'print.started',
      'print.progress', 'print.progress', 'print.layer', 'print.progress', 'print.layer',
      'print.paused', 'print.resumed', 'print.progress', 'print.layer', 'print.done',
    ]);
    const done = msgs.at(-1)!.payload;
    assert.equal(done.printer.kind, 'creality');
    assert.match(done.printer.id, /^creality-[0-9a-f]{12}$/);
    assert.equal(done.job?.file, 'benchy.gcode');
    assert.equal(done.job?.progress, 100);
    assert.deepEqual(msgs.filter((m) => m.topic === 'print.layer').map((m) => m.payload.job?.layer), [2, 3, 4]);
    assert.equal(new Set(msgs.map((m) => m.payload.job?.id).filter(Boolean)).size, 1);
  });

  it('a cancel is one print.cancelled; an error is printer.error then one print.failed; a runout is printer.attention', async () => {
    await load(flow(fake));
    await until(() => count('printer.online') === 1);
    fake.startPrint('a.gcode');
    fake.cancel();
    await until(() => count('print.cancelled') === 1);
    fake.startPrint('b.gcode');
    fake.fail(209);
    await until(() => count('print.failed') === 1);
    fake.startPrint('c.gcode');
    fake.runout();
    await until(() => count('print.paused') === 1);
    await pause(30);
    assert.deepEqual(topics(), ['printer.online', 'print.started', 'print.cancelled', 'print.started', 'printer.error', 'print.failed', 'print.started', 'printer.attention', 'print.paused']);
    const failed = msgs.find((m) => m.topic === 'print.failed')!.payload;
    assert.equal(failed.error?.code, '209');
    assert.equal(failed.job?.file, 'b.gcode');
    assert.equal(msgs.find((m) => m.topic === 'print.cancelled')!.payload.reason, 'user');
    assert.equal(msgs.at(-1)!.payload.reason, 'filament_runout');
    assert.ok(statuses('src').some((s) => s.fill === 'yellow' && s.shape === 'dot' && s.text?.startsWith('paused')));
  });

  it('a connection dropped mid-print is reconciled once: the end seen at reconnect, no second start', async () => {
    await load(flow(fake));
    await until(() => count('printer.online') === 1);
    fake.startPrint('benchy.gcode');
    fake.progress(40, 20);
    await until(() => count('print.layer') === 0 && count('print.progress') === 1);
    fake.dropClients();
    fake.change({ state: 2, printProgress: 100, printLeftTime: 0, deviceState: 0 });
    await until(() => count('print.done') === 1);
    fake.dropClients();
    await until(() => fake.upgrades >= 3);
    await until(() => statuses('src').filter((s) => s.fill === 'grey' && s.text === 'idle').length >= 2);
    await pause(50);
    assert.deepEqual(topics(), ['printer.online', 'print.started', 'print.progress', 'print.done']);
  });

  it('silence: a keepalive probe, then printer.offline about the offline delay after the last frame, then online again', async () => {
    await load(flow(fake, { probeAfterMs: 60, deadAfterMs: 150, tickMs: 10, offlineDelay: 0.15 }));
    await until(() => count('printer.online') === 1);
    await until(() => fake.count('ReqPrinterPara') >= 1);
    const probes = fake.count('reqPrintObjects');
    fake.silent = true;
    const silentSince = Date.now();
    await until(() => count('printer.offline') === 1);
    const after = Date.now() - silentSince;
    assert.ok(fake.count('reqPrintObjects') > probes, 'probed before giving up');
    assert.ok(after >= 140, `offline after ${after} ms`);
    assert.ok(statuses('src').some((s) => s.fill === 'red' && /silent/.test(s.text ?? '')));
    fake.silent = false;
    await until(() => count('printer.online') === 2);
    assert.deepEqual(topics(), ['printer.online', 'printer.offline', 'printer.online']);
  });

  it('a restart of Node-RED: the job that ended meanwhile gets its one terminal event, with the same id', async () => {
    await load(flow(fake));
    await until(() => count('printer.online') === 1);
    fake.startPrint('long.gcode');
    await until(() => count('print.started') === 1);
    const jobId = msgs[1].payload.job?.id;
    await helper.unload();
    fake.change({ state: 2, printProgress: 100, printLeftTime: 0 });
    await load(flow(fake));
    await until(() => count('print.done') === 1);
    await pause(30);
    // As for every source, the baseline's events come before the printer.online of the same frame.
    assert.deepEqual(topics(), ['print.done', 'printer.online']);
    assert.equal(msgs[0].payload.job?.id, jobId);
  });

  it('shares one websocket between source nodes and closes it when the last one leaves', async () => {
    const nodes = flow(fake);
    nodes.push({ id: 'src2', type: 'printhooks-creality', printer: 'prn', wires: [[]] });
    await load(nodes);
    await until(() => count('printer.online') === 1);
    await pause(30);
    assert.equal(fake.upgrades, 1);
    await helper.unload();
    await until(() => fake.clientCount === 0, 1000);
  });

  it('Test connection answers model, firmware and state, or what is wrong with a hint at Moonraker', async () => {
    await load(flow(fake));
    const ok = await helper.request().post('/printhooks-creality-printer/test').send({ host: '127.0.0.1', port: fake.port }).expect(200);
    assert.deepEqual({ ok: ok.body.ok, model: ok.body.model, version: ok.body.version, state: ok.body.state }, { ok: true, model: 'K1C', version: '1.3.3.46', state: 'printing complete' });
    const closedPort = fake.cameraPort;
    await fake.close();
    const down = await helper.request().post('/printhooks-creality-printer/test').send({ host: '127.0.0.1', port: closedPort }).expect(200);
    assert.equal(down.body.ok, false);
    assert.equal(down.body.problem, 'unreachable');
    assert.match(down.body.message, /ECONNREFUSED.*Moonraker source/);
    const bad = await helper.request().post('/printhooks-creality-printer/test').send({ host: 'ws://x', port: 9999 }).expect(200);
    assert.equal(bad.body.problem, 'config');
    assert.match(bad.body.message, /^host:/);
  });

  it('a bad port is a red status naming the field; the flow stays deployed', async () => {
    await load(flow(fake, { port: 'abc' }));
    const srcStatus = statuses('src').at(-1);
    assert.equal(srcStatus?.fill, 'red');
    assert.match((helper.getNode('prn') as unknown as { configError?: string }).configError ?? '', /port: "abc" must be 1-65535/);
    await helper.unload();
    await load([{ id: 'src', type: 'printhooks-creality', printer: 'missing', wires: [[]] }]);
    assert.equal(statuses('src').at(-1)?.fill, 'red');
    const logged = (helper.getNode('src').error as unknown as { firstCall: { args: [string] } }).firstCall.args[0];
    assert.match(logged, /choose a Creality printer \(config node\)/);
  });

  it('offers the camera snapshot while the printer config is deployed', async () => {
    await load(flow(fake));
    await until(() => count('printer.online') === 1);
    const printerId = msgs[0].payload.printer.id;
    assert.deepEqual(await fetchSnapshot(printerId), fake.jpeg);
    await helper.unload();
    assert.equal(hasSnapshotProvider(printerId), false);
  });

  it('runs the shipped example flow: a job end reaches the first switch output', async () => {
    const file = path.resolve(__dirname, '..', '..', 'examples', 'Creality K-series - print events to a debug.json');
    const example = JSON.parse(fs.readFileSync(file, 'utf8')) as FlowItem[];
    const nodes = example
      .filter((n) => n.type !== 'comment')
      .map(({ z: _z, x: _x, y: _y, ...n }) => {
        if (n.type === 'printhooks-creality-printer') return { ...n, host: '127.0.0.1', port: fake.port };
        if (n.type === 'debug') return { id: n.id, type: 'helper' };
        return n;
      });
    await load(nodes as FlowItem[], [coreSwitch()]);
    const ends: Msg[] = [];
    const rest: Msg[] = [];
    helper.getNode('c4e1a00000000004').on('input', (msg: unknown) => ends.push(msg as Msg));
    helper.getNode('c4e1a00000000005').on('input', (msg: unknown) => rest.push(msg as Msg));
    await until(() => rest.some((m) => m.topic === 'printer.online'));
    fake.startPrint('benchy.gcode');
    fake.finish();
    await until(() => ends.some((m) => m.topic === 'print.done'));
    assert.equal(rest.some((m) => m.topic === 'print.done'), false);
  });
});
