import assert from 'node:assert/strict';
import fs, { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { helper, nodeRedLine } from './helper';
import printerNode = require('../../nodes/printhooks-prusalink-printer/printhooks-prusalink-printer');
import sourceNode = require('../../nodes/printhooks-prusalink/printhooks-prusalink');
import { fetchSnapshot, hasSnapshotProvider } from '../../src/snapshot/registry';
import { FAKE_JPEG, FakePrusaLink, type FakeOptions } from '../fakes/prusalink/fake-prusalink';

/** The core switch node of the Node-RED line under test, to load the shipped example as it is. */
function coreSwitch(): unknown {
  const pkg = nodeRedLine === '4' ? 'node-red-4' : 'node-red';
  const nodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve(`${pkg}/package.json`))] }));
  return require(path.join(nodesDir, 'core', 'function', '10-switch.js'));
}

type Msg = { topic: string; payload: { id: string; type: string; reason?: string; job?: { id: string; file?: string; progress?: number }; error?: { code?: string; message?: string }; printer: { id: string; kind: string } } };
type FlowItem = { id: string; type: string; [key: string]: unknown };
type Status = { fill?: string; shape?: string; text?: string };
type Credentials = { username?: string; password?: string; apiKey?: string };

function flow(fake: FakePrusaLink, extra: Record<string, unknown> = {}, sources = 1): FlowItem[] {
  const nodes: FlowItem[] = [
    { id: 'cfg', type: 'printhooks-prusalink-printer', name: 'MK4', url: fake.url, pollMs: 20, fastPollMs: 10, reconnectMs: 20, ...extra },
    { id: 'out', type: 'helper' },
  ];
  for (let i = 0; i < sources; i += 1) nodes.push({ id: `src${i}`, type: 'printhooks-prusalink', printer: 'cfg', offlineDelayMs: 5000, wires: [['out']] });
  return nodes;
}

const digest = (fake: FakePrusaLink): Credentials => ({ username: fake.username, password: fake.password });
const apiKey = (fake: FakePrusaLink): Credentials => ({ apiKey: fake.apiKey });

async function load(nodes: FlowItem[], credentials: Credentials | undefined): Promise<Msg[]> {
  await helper.load([printerNode, sourceNode], nodes as never, (credentials ? { cfg: credentials } : {}) as never);
  const msgs: Msg[] = [];
  helper.getNode('out').on('input', (msg: unknown) => msgs.push(msg as Msg));
  return msgs;
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

/** Waits until the node has polled the status at least `n` more times (so it saw the last script step). */
async function polled(fake: FakePrusaLink, n = 2): Promise<void> {
  const count = () => fake.requests.filter((p) => p === '/api/v1/status').length;
  const target = count() + n;
  await until(() => count() >= target);
}

const lifecycle = (msgs: Msg[]) => msgs.filter((m) => m.topic.startsWith('print.') && m.topic !== 'print.progress').map((m) => m.topic);

describe(`printhooks-prusalink nodes (Node-RED ${nodeRedLine})`, function () {
  let fake: FakePrusaLink;
  let userDir: string;

  beforeEach(async () => {
    userDir = mkdtempSync(path.join(tmpdir(), 'printhooks-prusalink-userdir-'));
    helper.settings({ userDir });
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await fake?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  async function scriptedPrints(options: FakeOptions, credentials: (f: FakePrusaLink) => Credentials, error: () => Promise<void>): Promise<Msg[]> {
    fake = await new FakePrusaLink(options).start();
    const msgs = await load(flow(fake), credentials(fake));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
    fake.startJob('benchy.bgcode');
    await polled(fake);
    for (const percent of [10, 25, 50]) {
      fake.progress(percent);
      await polled(fake);
    }
    fake.pause();
    await polled(fake);
    fake.resume();
    fake.progress(75);
    await polled(fake);
    fake.finish();
    await until(() => msgs.some((m) => m.topic === 'print.done'));
    fake.idle();
    fake.startJob('cube.bgcode');
    await until(() => msgs.filter((m) => m.topic === 'print.started').length === 2);
    fake.progress(5);
    await polled(fake);
    fake.cancel();
    await until(() => msgs.some((m) => m.topic === 'print.cancelled'));
    fake.idle();
    fake.startJob('vase.bgcode');
    await until(() => msgs.filter((m) => m.topic === 'print.started').length === 3);
    fake.progress(3);
    await polled(fake);
    await error();
    await until(() => msgs.some((m) => m.topic === 'print.failed'));
    await polled(fake, 3);
    return msgs;
  }

  function checkScript(msgs: Msg[]): void {
    assert.deepEqual(lifecycle(msgs), ['print.started', 'print.paused', 'print.resumed', 'print.done', 'print.started', 'print.cancelled', 'print.started', 'print.failed']);
    const firstJob = msgs.slice(0, msgs.findIndex((m) => m.topic === 'print.done'));
    assert.deepEqual(firstJob.filter((m) => m.topic === 'print.progress').map((m) => m.payload.job?.progress), [10, 25, 50, 75]);
    const done = msgs.find((m) => m.topic === 'print.done')!;
    assert.deepEqual([done.payload.job?.file, done.payload.job?.progress, done.payload.printer.kind], ['benchy.bgcode', 75, 'prusalink']);
    const cancelled = msgs.find((m) => m.topic === 'print.cancelled')!;
    assert.deepEqual([cancelled.payload.job?.file, cancelled.payload.reason], ['cube.bgcode', 'user']);
    const ids = new Set(msgs.filter((m) => m.topic.startsWith('print.')).map((m) => m.payload.job?.id));
    assert.equal(ids.size, 3, 'three jobs, each with its own id');
  }

  it('firmware flavour, Digest: start, pause, resume, done; start, stop; start, red screen (failed)', async () => {
    let port = 0;
    const msgs = await scriptedPrints({ flavour: 'buddy' }, digest, async () => {
      // The firmware never reports ERROR: a red screen takes its web server down; it comes back idle.
      port = fake.port;
      await fake.stop();
      await new Promise((r) => setTimeout(r, 60));
      fake.idle();
      await fake.start(port);
    });
    checkScript(msgs);
    const failed = msgs.find((m) => m.topic === 'print.failed')!;
    assert.deepEqual([failed.payload.reason, failed.payload.job?.file], ['interrupted', 'vase.bgcode']);
    assert.equal(fake.maxInFlight, 1, 'one request at a time');
    assert.ok(fake.requests.filter((p) => p === '/api/v1/job').length <= 4, 'job details once per job');
    assert.deepEqual(statuses('src0').at(-1), { fill: 'grey', shape: 'dot', text: 'idle' });
  });

  it('Raspberry Pi flavour, API key: the same script with ERROR as the failure; FINISHED turns back to IDLE', async () => {
    const msgs = await scriptedPrints({ flavour: 'pi', terminalMs: 150 }, apiKey, async () => fake.fail('Thermal runaway'));
    checkScript(msgs);
    const failed = msgs.find((m) => m.topic === 'print.failed')!;
    assert.deepEqual([failed.payload.reason, failed.payload.error?.message], ['error', 'Thermal runaway']);
    assert.equal(msgs.filter((m) => m.topic === 'printer.error').length, 1);
  });

  for (const flavour of ['buddy', 'pi'] as const) {
    it(`${flavour}: an end reached between two polls is reported once`, async () => {
      fake = await new FakePrusaLink({ flavour, terminalMs: 400 }).start();
      const msgs = await load(flow(fake, { pollMs: 150, fastPollMs: 150 }), apiKey(fake));
      await until(() => msgs.some((m) => m.topic === 'printer.online'));
      fake.startJob();
      fake.progress(40);
      await until(() => msgs.some((m) => m.topic === 'print.started'));
      // Right after a poll: the print runs on, finishes and (Pi) leaves FINISHED again before we look twice.
      await polled(fake, 1);
      fake.progress(80);
      fake.finish();
      await until(() => msgs.some((m) => m.topic === 'print.done'));
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(lifecycle(msgs), ['print.started', 'print.done']);
      assert.equal(fake.state, flavour === 'pi' ? 'IDLE' : 'FINISHED');
    });
  }

  it('a finished or stopped job on screen at start-up is not announced', async () => {
    for (const [flavour, state] of [['buddy', 'FINISHED'], ['pi', 'STOPPED']] as const) {
      fake = await new FakePrusaLink({ flavour }).start();
      fake.state = state;
      const msgs = await load(flow(fake), apiKey(fake));
      await until(() => msgs.length > 0);
      await polled(fake, 4);
      assert.deepEqual(msgs.map((m) => m.topic), ['printer.online'], flavour);
      await helper.unload();
      await fake.stop();
    }
  });

  it('wrong credentials: a red ring naming the field (Digest and API key, both flavours); missing ones too', async () => {
    const cases: Array<[FakeOptions, (f: FakePrusaLink) => Credentials, string]> = [
      [{ flavour: 'buddy' }, (f) => ({ password: `${f.password}x` }), 'username or password rejected'],
      [{ flavour: 'pi' }, (f) => ({ username: 'someone', password: f.password }), 'username or password rejected'],
      [{ flavour: 'buddy' }, () => ({ apiKey: 'wrong' }), 'apiKey rejected'],
      [{ flavour: 'pi' }, () => ({ apiKey: 'wrong' }), 'apiKey rejected'],
    ];
    for (const [options, credentials, text] of cases) {
      fake = await new FakePrusaLink(options).start();
      await load(flow(fake), credentials(fake));
      await until(() => statuses('src0').some((s) => s.fill === 'red'));
      assert.deepEqual(statuses('src0').find((s) => s.fill === 'red'), { fill: 'red', shape: 'ring', text }, `${options.flavour} ${text}`);
      await helper.unload();
      await fake.stop();
    }
    fake = await new FakePrusaLink().start();
    await load(flow(fake), undefined);
    assert.deepEqual(statuses('src0').at(-1), { fill: 'red', shape: 'ring', text: 'password or apiKey: give the PrusaLink…' });
    assert.equal(fake.attempts, 0);
  });

  it('two source nodes share one poller (one request at a time); it stops when they stop', async () => {
    fake = await new FakePrusaLink({ latencyMs: 5 }).start();
    const msgs = await load(flow(fake, {}, 2), digest(fake));
    await until(() => msgs.filter((m) => m.topic === 'printer.online').length === 2);
    fake.startJob();
    await until(() => msgs.filter((m) => m.topic === 'print.started').length === 2);
    assert.equal(fake.requests.filter((p) => p === '/api/version').length, 1);
    assert.equal(fake.maxInFlight, 1);
    await helper.unload();
    const count = fake.attempts;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.attempts, count, 'no poll after the last user left');
  });

  it('a job that ended while Node-RED was stopped gets its one print.done after the restart, never twice', async () => {
    fake = await new FakePrusaLink({ flavour: 'buddy' }).start();
    let msgs = await load(flow(fake), digest(fake));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
    fake.startJob('restart.bgcode');
    fake.progress(30);
    await until(() => msgs.some((m) => m.topic === 'print.started'));
    const started = msgs.find((m) => m.topic === 'print.started')!;
    await helper.unload();
    fake.progress(90);
    fake.finish();
    msgs = await load(flow(fake), digest(fake));
    await until(() => msgs.some((m) => m.topic === 'print.done'));
    await polled(fake, 3);
    assert.deepEqual(lifecycle(msgs), ['print.done']);
    assert.equal(msgs.find((m) => m.topic === 'print.done')!.payload.job?.id, started.payload.job?.id);
    await helper.unload();
    msgs = await load(flow(fake), digest(fake));
    await until(() => msgs.length > 0);
    await polled(fake, 3);
    assert.deepEqual(msgs.map((m) => m.topic), ['printer.online']);
  });

  it('Test connection: which PrusaLink, state and auth; the stored password; errors name the field', async () => {
    fake = await new FakePrusaLink({ flavour: 'pi' }).start();
    await load(flow(fake), digest(fake));
    const body = { id: 'cfg', url: fake.url, username: fake.username };
    const ok = await helper.request().post('/printhooks-prusalink-printer/test').send({ ...body, password: '__PWRD__' }).expect(200);
    assert.equal(ok.body.ok, true, ok.body.message);
    assert.equal(ok.body.message, 'Reachable · auth OK · PrusaLink (Raspberry Pi) 0.8.1 · printer IDLE · named Garage MK3S · Digest login');
    assert.deepEqual([ok.body.version, ok.body.state, ok.body.model], ['0.8.1', 'IDLE', 'I3MK3S']);
    assert.equal(JSON.stringify(ok.body).includes(fake.password), false);
    const wrong = await helper.request().post('/printhooks-prusalink-printer/test').send({ id: 'cfg', url: fake.url, apiKey: 'nope' }).expect(200);
    assert.deepEqual([wrong.body.ok, wrong.body.problem], [false, 'auth']);
    assert.match(wrong.body.message, /^apiKey rejected \(HTTP 403\)/);
    const none = await helper.request().post('/printhooks-prusalink-printer/test').send({ id: 'other', url: fake.url }).expect(200);
    assert.deepEqual([none.body.problem, none.body.message], ['config', 'password or apiKey: give the PrusaLink password (Digest) or the API key']);
    const badUrl = await helper.request().post('/printhooks-prusalink-printer/test').send({ url: 'ftp://x', apiKey: 'k' }).expect(200);
    assert.deepEqual([badUrl.body.problem, badUrl.body.message], ['config', 'url "ftp://x" must start with http:// or https://']);
  });

  it('offers the Raspberry Pi camera snapshot to the template node; the firmware has none', async () => {
    fake = await new FakePrusaLink({ flavour: 'pi' }).start();
    let msgs = await load(flow(fake), apiKey(fake));
    await until(() => msgs.length > 0);
    const id = msgs[0].payload.printer.id;
    assert.ok((await fetchSnapshot(id))?.equals(FAKE_JPEG));
    await helper.unload();
    assert.equal(hasSnapshotProvider(id), false);
    await fake.stop();
    fake = await new FakePrusaLink({ flavour: 'buddy' }).start();
    msgs = await load(flow(fake), apiKey(fake));
    await until(() => msgs.length > 0);
    await assert.rejects(fetchSnapshot(msgs[0].payload.printer.id), /has no camera/);
  });

  it('a bad config gives a red ring naming the field and stays deployed; a saved config without version loads', async () => {
    fake = await new FakePrusaLink().start();
    await load(flow(fake, { pollInterval: 0, pollMs: undefined }), apiKey(fake));
    assert.match(statuses('src0').at(-1)!.text!, /^pollInterval "0" must be/);
    await helper.unload();
    await load(flow(fake, { url: 'http://x/api' }), apiKey(fake));
    assert.match(statuses('cfg').at(-1)!.text!, /^url "http:\/\/x\/api" must not/);
    await helper.unload();
    const nodes = flow(fake);
    delete nodes[0].version;
    const msgs = await load(nodes, apiKey(fake));
    await until(() => msgs.some((m) => m.topic === 'printer.online'));
  });

  it('runs the shipped example flow: a job end reaches the first switch output', async () => {
    fake = await new FakePrusaLink().start();
    const file = path.resolve(__dirname, '..', '..', 'examples', 'PrusaLink - print events to a debug.json');
    const example = JSON.parse(fs.readFileSync(file, 'utf8')) as FlowItem[];
    const nodes = example
      .filter((n) => n.type !== 'comment')
      .map(({ z: _z, x: _x, y: _y, ...n }) => {
        // The editor places imported nodes on a tab; the helper wants them without tab or position.
        if (n.type === 'printhooks-prusalink-printer') return { ...n, url: fake.url, pollMs: 20 };
        if (n.type === 'debug') return { id: n.id, type: 'helper' };
        return n;
      });
    await helper.load([printerNode, sourceNode, coreSwitch()] as never, nodes as never, { '9a5a110000000010': digest(fake) } as never);
    const ends: Msg[] = [];
    const rest: Msg[] = [];
    helper.getNode('9a5a110000000004').on('input', (msg: unknown) => ends.push(msg as Msg));
    helper.getNode('9a5a110000000005').on('input', (msg: unknown) => rest.push(msg as Msg));
    await until(() => rest.some((m) => m.topic === 'printer.online'));
    fake.startJob();
    await until(() => rest.some((m) => m.topic === 'print.started'));
    fake.finish();
    await until(() => ends.some((m) => m.topic === 'print.done'));
    assert.equal(rest.some((m) => m.topic === 'print.done'), false);
  });
});
