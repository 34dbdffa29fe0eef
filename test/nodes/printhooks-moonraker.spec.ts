import assert from 'node:assert/strict';
import { helper } from './helper';
import serverNode = require('../../nodes/printhooks-moonraker-server/printhooks-moonraker-server');
import sourceNode = require('../../nodes/printhooks-moonraker/printhooks-moonraker');
import { fetchSnapshot, hasSnapshotProvider } from '../../src/snapshot/registry';
import fs from 'node:fs';
import path from 'node:path';
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { nodeRedLine } from './helper';

/** The core switch node of the Node-RED line under test, to load the shipped example as it is. */
function coreSwitch(): unknown {
  const pkg = nodeRedLine === '4' ? 'node-red-4' : 'node-red';
  const nodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve(`${pkg}/package.json`))] }));
  return require(path.join(nodesDir, 'core', 'function', '10-switch.js'));
}

type Msg = { topic: string; payload: { id: string; type: string; job?: { id: string; file?: string }; printer: { id: string; kind: string } } };

function flow(url: string, extra: Record<string, unknown> = {}): FlowItem[] {
  return [
    { id: 'srv', type: 'printhooks-moonraker-server', name: 'Voron', url, reconnectMs: 20, klippyRetryMs: 40 },
    { id: 'src', type: 'printhooks-moonraker', server: 'srv', offlineDelayMs: 100, historyWaitMs: 200, wires: [['out']], ...extra },
    { id: 'out', type: 'helper' },
  ];
}

type FlowItem = { id: string; type: string; [key: string]: unknown };

function load(nodes: FlowItem[], credentials?: Record<string, { apiKey: string }>): Promise<void> {
  return helper.load([serverNode, sourceNode], nodes as never, credentials as never);
}

type Status = { fill?: string; shape?: string; text?: string };

/** Every status the node has set so far (the helper wraps node methods in sinon spies). */
function statusesOf(id: string): Status[] {
  const spy = (helper.getNode(id) as unknown as { status: { getCalls(): Array<{ args: Status[] }> } }).status;
  return new Proxy([] as Status[], {
    get(_target, prop) {
      const list = spy.getCalls().map((c) => c.args[0]);
      const value = (list as unknown as Record<string | symbol, unknown>)[prop];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(list) : value;
    },
  });
}

async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe(`printhooks-moonraker nodes (Node-RED ${nodeRedLine})`, function () {
  let fake: FakeMoonraker;

  beforeEach(async () => {
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await fake?.close();
  });

  it('emits canonical events for a job on msg.topic and msg.payload', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    await load(flow(fake.url));
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
    fake.update({ print_stats: { filename: 'benchy.gcode', state: 'printing' } });
    await until(() => msgs.some((m) => m.topic === 'print.started'));
    fake.update({ print_stats: { state: 'complete' } });
    await until(() => msgs.some((m) => m.topic === 'print.done'));
    const done = msgs.find((m) => m.topic === 'print.done')!;
    assert.equal(done.payload.type, 'print.done');
    assert.equal(done.payload.job?.id, '00002A');
    assert.equal(done.payload.printer.kind, 'moonraker');
    assert.match(done.payload.printer.id, /^moonraker-[0-9a-f]{12}$/);
    assert.match(done.payload.id, /^evt_/);
  });

  it('printer.bed_cooled fires once after a job at the server\'s threshold, and never with 0', async () => {
    for (const [bedCooled, expected] of [[50, 1], [0, 0]] as const) {
      fake = new FakeMoonraker();
      await fake.listen();
      const nodes = flow(fake.url);
      nodes[0] = { ...nodes[0], bedCooled };
      await load(nodes);
      const msgs: Msg[] = [];
      helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
      await until(() => msgs.some((m) => m.topic === 'printer.online'));
      fake.update({ print_stats: { filename: 'benchy.gcode', state: 'printing' }, heater_bed: { temperature: 60 } });
      await until(() => msgs.some((m) => m.topic === 'print.started'));
      fake.update({ print_stats: { state: 'complete' } });
      await until(() => msgs.some((m) => m.topic === 'print.done'));
      fake.update({ heater_bed: { temperature: 55 } });
      fake.update({ heater_bed: { temperature: 45 } }); // below 50, still above the default 35
      await new Promise((r) => setTimeout(r, 150));
      const cooled = msgs.filter((m) => m.topic === 'printer.bed_cooled');
      assert.equal(cooled.length, expected, `bedCooled ${bedCooled}`);
      if (expected) assert.equal(cooled[0].payload.job?.file, 'benchy.gcode');
      await helper.unload();
      await fake.close();
    }
  });

  it('a bed-cooled threshold that is not a temperature is a config error naming the field', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    const nodes = flow(fake.url);
    nodes[0] = { ...nodes[0], bedCooled: 'warm' };
    await load(nodes);
    const statuses = statusesOf('src');
    await until(() => statuses.some((s) => s.fill === 'red'));
    const logged = (helper.getNode('srv').error as unknown as { firstCall: { args: [string] } }).firstCall.args[0];
    assert.match(logged, /bedCooled "warm" must be a temperature/);
  });

  it('shares one websocket between source nodes and closes it within a second after the last one leaves', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    const nodes = flow(fake.url);
    nodes.push({ id: 'src2', type: 'printhooks-moonraker', server: 'srv', wires: [[]] });
    await load(nodes);
    await fake.until(() => fake.count('printer.objects.subscribe') >= 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fake.upgrades, 1);
    assert.equal(fake.clientCount, 1);
    const started = Date.now();
    await helper.unload();
    await fake.until(() => fake.clientCount === 0, 1000);
    assert.ok(Date.now() - started < 1000);
  });

  it('sends the API key and shows an unauthorized key as a red status', async () => {
    fake = new FakeMoonraker({ apiKey: 'right-key' });
    await fake.listen();
    await load(flow(fake.url), { srv: { apiKey: 'wrong-key' } });
    const statuses = statusesOf('src');
    await until(() => statuses.some((s) => s.fill === 'red' && /unauthorized/.test(s.text ?? '')));
  });

  it('with the right API key connects: grey dot idle, then green printing with the percent', async () => {
    fake = new FakeMoonraker({ apiKey: 'right-key' });
    await fake.listen();
    await load(flow(fake.url), { srv: { apiKey: 'right-key' } });
    const statuses = statusesOf('src');
    await until(() => statuses.some((s) => s.fill === 'grey' && s.shape === 'dot' && s.text === 'idle'));
    fake.update({ print_stats: { filename: 'a.gcode', state: 'printing' }, virtual_sdcard: { progress: 0.42 } });
    await until(() => statuses.some((s) => s.fill === 'green' && s.text === 'printing 42%'));
  });

  it('shows a shut-down Klippy as a red status with its message', async () => {
    fake = new FakeMoonraker();
    fake.klippyState = 'shutdown';
    fake.stateMessage = 'MCU shutdown: Timer too close';
    await fake.listen();
    await load(flow(fake.url));
    const statuses = statusesOf('src');
    await until(() => statuses.some((s) => s.fill === 'red' && /klippy shutdown: MCU/.test(s.text ?? '')));
  });

  it('keeps a bad URL deployable with a red status and no crash', async () => {
    fake = new FakeMoonraker();
    await load(flow('ftp://nope'));
    const srv = helper.getNode('srv') as unknown as { configError?: string };
    assert.match(srv.configError ?? '', /http:\/\/ or https:\/\//);
    const last = statusesOf('src').at(-1);
    assert.equal(last?.fill, 'red');
    assert.match(last?.text ?? '', /^url must start with http/, 'the status leads with the cause');
  });

  it('rejects a negative offlineDelay at deploy, naming the field', async () => {
    fake = new FakeMoonraker();
    await load([{ id: 'srv', type: 'printhooks-moonraker-server', url: 'http://127.0.0.1:1', offlineDelay: -1 }, { id: 'src', type: 'printhooks-moonraker', server: 'srv', wires: [[]] }]);
    assert.match((helper.getNode('srv') as unknown as { configError?: string }).configError ?? '', /offlineDelay "-1"/);
    assert.equal(statusesOf('src').at(-1)?.fill, 'red');
  });

  it('sends printer.offline after the server offlineDelay once Moonraker is gone', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    await load([
      { id: 'srv', type: 'printhooks-moonraker-server', url: fake.url, offlineDelay: 0.1, reconnectMs: 20 },
      { id: 'src', type: 'printhooks-moonraker', server: 'srv', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
    await fake.close();
    const started = Date.now();
    await until(() => msgs.some((m) => m.topic === 'printer.offline'));
    assert.ok(Date.now() - started >= 90);
  });

  it('reports a missing server as a red status', async () => {
    fake = new FakeMoonraker();
    await load([{ id: 'src', type: 'printhooks-moonraker', server: 'missing', wires: [[]] }]);
    const src = helper.getNode('src') as unknown as { status: { args: unknown[]; called: boolean; lastCall: { args: Array<{ fill: string; text: string }> } } };
    assert.ok(src.status.called);
    assert.equal(src.status.lastCall.args[0].fill, 'red');
  });

  it('registers a snapshot provider that returns the first enabled webcam image', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    fake.webcams = [
      { name: 'off', enabled: false, snapshot_url: 'http://127.0.0.1:1/nope' },
      { name: 'cam', enabled: true, snapshot_url: `${fake.url}/webcam/?action=snapshot` },
    ];
    await load(flow(fake.url));
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
    const printerId = msgs[0].payload.printer.id;
    assert.ok(hasSnapshotProvider(printerId));
    const bytes = await fetchSnapshot(printerId);
    assert.deepEqual(bytes, fake.snapshotBytes);
    await helper.unload();
    assert.equal(hasSnapshotProvider(printerId), false);
  });

  it('answers Test connection with the Moonraker version and Klippy state', async () => {
    fake = new FakeMoonraker({ apiKey: 'k' });
    await fake.listen();
    await load(flow(fake.url), { srv: { apiKey: 'k' } });
    const res = await helper.request().post('/printhooks-moonraker-server/test').send({ url: fake.url, apiKey: 'k' }).expect(200);
    assert.equal(res.body.ok, true);
    assert.equal(res.body.version, fake.version);
    assert.equal(res.body.state, 'ready');
    // The stored key of the deployed node is used when the editor sends the password placeholder.
    const stored = await helper.request().post('/printhooks-moonraker-server/test').send({ id: 'srv', url: fake.url, apiKey: '__PWRD__' }).expect(200);
    assert.equal(stored.body.ok, true);
    const wrong = await helper.request().post('/printhooks-moonraker-server/test').send({ url: fake.url, apiKey: 'bad' }).expect(200);
    assert.equal(wrong.body.ok, false);
    assert.equal(wrong.body.problem, 'auth');
    assert.match(wrong.body.message, /^unauthorized/);
  });

  it('answers Test connection with what is wrong: unreachable, or Klippy not ready', async () => {
    fake = new FakeMoonraker();
    fake.klippyState = 'error';
    fake.stateMessage = 'Config error: Option x is not valid';
    await fake.listen();
    await load(flow(fake.url));
    const res = await helper.request().post('/printhooks-moonraker-server/test').send({ url: fake.url }).expect(200);
    assert.equal(res.body.ok, false);
    assert.equal(res.body.state, 'error');
    assert.match(res.body.message, /^Klippy is error: Config error: Option x is not valid/);
    const down = await helper.request().post('/printhooks-moonraker-server/test').send({ url: 'http://127.0.0.1:1' }).expect(200);
    assert.equal(down.body.ok, false);
    assert.equal(down.body.problem, 'unreachable');
    assert.match(down.body.message, /ECONNREFUSED/);
    const bad = await helper.request().post('/printhooks-moonraker-server/test').send({ url: '' }).expect(200);
    assert.equal(bad.body.problem, 'config');
    assert.match(bad.body.message, /url is required/);
  });

  it('accepts a URL without a scheme in a config saved without a version', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    await load([
      { id: 'srv', type: 'printhooks-moonraker-server', url: fake.url.replace('http://', '') },
      { id: 'src', type: 'printhooks-moonraker', server: 'srv', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const msgs: Msg[] = [];
    helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
  });

  it('runs the shipped example flow: a job end reaches the first switch output', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    const file = path.resolve(__dirname, '..', '..', 'examples', 'Moonraker - print events to a debug.json');
    const example = JSON.parse(fs.readFileSync(file, 'utf8')) as FlowItem[];
    const nodes = example
      .filter((n) => n.type !== 'comment')
      .map(({ z: _z, x: _x, y: _y, ...n }) => {
        // The editor places imported nodes on a tab; the helper wants them without tab or position.
        if (n.type === 'printhooks-moonraker-server') return { ...n, url: fake.url };
        if (n.type === 'debug') return { id: n.id, type: 'helper' };
        return n;
      });
    await helper.load([serverNode, sourceNode, coreSwitch()] as never, nodes as never);
    const ends: Msg[] = [];
    const rest: Msg[] = [];
    helper.getNode('d00d000000000004').on('input', (msg: unknown) => ends.push(msg as Msg));
    helper.getNode('d00d000000000005').on('input', (msg: unknown) => rest.push(msg as Msg));
    await until(() => rest.some((m) => m.topic === 'printer.online'));
    fake.update({ print_stats: { filename: 'benchy.gcode', state: 'printing' } });
    await until(() => rest.some((m) => m.topic === 'print.started'));
    fake.update({ print_stats: { state: 'complete' } });
    await until(() => ends.some((m) => m.topic === 'print.done'));
    assert.equal(rest.some((m) => m.topic === 'print.done'), false);
  });
});
