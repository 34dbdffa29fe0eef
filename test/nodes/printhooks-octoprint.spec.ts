import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { PrinterEvent } from '../../src/event';
import { fetchSnapshot } from '../../src/snapshot/registry';
import { printerIdFromUrl, parseBaseUrl } from '../../src/sources/octoprint/url';
import filterNode = require('../../nodes/printhooks-filter/printhooks-filter');
import sourceNode = require('../../nodes/printhooks-octoprint/printhooks-octoprint');
import serverNode = require('../../nodes/printhooks-octoprint-server/printhooks-octoprint-server');
import type { OctoPrintServerNode } from '../../nodes/printhooks-octoprint-server/server-node';
import { fakeJpeg, FakeOctoPrint } from '../fakes/octoprint/fake-octoprint';
import { sleep, waitFor } from '../core/sources/octoprint/wait';
import { helper, nodeRedLine } from './helper';

interface Msg {
  topic: string;
  payload: PrinterEvent;
}

function flow(url: string, server: Record<string, unknown> = {}, sources = ['s1']) {
  return [
    { id: 't1', type: 'tab' },
    { id: 'srv', type: 'printhooks-octoprint-server', name: 'Ender', url, offlineDelay: 0.2, version: 1, ...server },
    ...sources.map((id, i) => ({ id, z: 't1', type: 'printhooks-octoprint', server: 'srv', includeRaw: i === 1, version: 1, wires: [[`out-${id}`]] })),
    ...sources.map((id) => ({ id: `out-${id}`, z: 't1', type: 'helper' })),
  ];
}

function load(nodes: object[], credentials: Record<string, { apiKey: string }>): Promise<void> {
  return helper.load([serverNode, sourceNode], nodes as never, credentials as never);
}

function collect(id: string): Msg[] {
  const got: Msg[] = [];
  helper.getNode(id).on('input', (msg: unknown) => got.push(msg as Msg));
  return got;
}

function lastStatus(id: string): { fill?: string; shape?: string; text?: string } {
  // The helper's status spy sits on Node.prototype: keep only this node's calls.
  const spy = (helper.getNode(id) as unknown as { status: { args: Array<[Record<string, string>]>; thisValues: Array<{ id: string }> } }).status;
  for (let i = spy.args.length - 1; i >= 0; i -= 1) if (spy.thisValues[i]?.id === id) return spy.args[i][0];
  return {};
}

describe(`printhooks-octoprint nodes (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  let fake: FakeOctoPrint;

  before(() => {
    helper.settings({ printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 200, pingIntervalMs: 200 } } as never);
  });
  after(() => {
    helper.settings({});
  });
  beforeEach(async () => {
    fake = await new FakeOctoPrint({ prefix: '/octo' }).start();
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await fake.stop();
  });

  it('two source nodes share one config node and one socket; each gets every event', async () => {
    await load(flow(fake.url, {}, ['s1', 's2']), { srv: { apiKey: fake.apiKey } });
    const a = collect('out-s1');
    const b = collect('out-s2');
    await waitFor(() => fake.authedSockets === 1, 'one authenticated socket');
    fake.startJob('benchy.gcode');
    await waitFor(() => a.some((m) => m.topic === 'print.started') && b.some((m) => m.topic === 'print.started'), 'print.started on both');
    assert.equal(fake.socketsAccepted, 1);
    const started = a.find((m) => m.topic === 'print.started');
    assert.equal(started?.payload.printer.name, 'Ender');
    assert.equal(started?.payload.printer.id, printerIdFromUrl(parseBaseUrl(fake.url)));
    assert.equal(started?.payload.job?.file, 'benchy.gcode');
    assert.equal(started?.payload.raw, undefined, 'raw only when asked');
    assert.equal((b.find((m) => m.topic === 'print.started')?.payload.raw as { type: string }).type, 'PrintStarted');
  });

  it('status: idle when connected, green "printing 42%" while printing', async () => {
    await load(flow(fake.url), { srv: { apiKey: fake.apiKey } });
    await waitFor(() => lastStatus('s1').text === 'idle', 'idle status');
    assert.equal(lastStatus('s1').fill, 'grey');
    fake.startJob('benchy.gcode');
    fake.progress(42.7);
    await waitFor(() => lastStatus('s1').text === 'printing 42%', 'printing status');
    assert.equal(lastStatus('s1').fill, 'green');
  });

  it('a full job reaches the output as msg.topic / msg.payload, ending with one print.done', async () => {
    await load(flow(fake.url, { printerId: 'ender-3' }), { srv: { apiKey: fake.apiKey } });
    const got = collect('out-s1');
    await waitFor(() => fake.authedSockets === 1, 'socket');
    fake.startJob('benchy.gcode');
    fake.event('PrintPaused', fake.filePayload({ user: 'alice' }));
    fake.event('PrintResumed', fake.filePayload({ user: 'alice' }));
    fake.finishJob();
    await waitFor(() => got.some((m) => m.topic === 'print.done'), 'print.done');
    assert.deepEqual(got.map((m) => m.topic).filter((t) => t.startsWith('print.')), ['print.started', 'print.paused', 'print.resumed', 'print.done']);
    for (const m of got) assert.equal(m.payload.type, m.topic);
    assert.equal(got[0].payload.printer.id, 'ender-3', 'a printer id set by the user wins');
  });

  it('a rejected key shows a red ring "API key rejected" and does not hammer OctoPrint', async () => {
    await load(flow(fake.url), { srv: { apiKey: 'wrong' } });
    await waitFor(() => lastStatus('s1').text === 'API key rejected', 'rejected status');
    assert.deepEqual({ fill: lastStatus('s1').fill, shape: lastStatus('s1').shape }, { fill: 'red', shape: 'ring' });
    await sleep(300);
    assert.ok(fake.socketsAccepted <= 3, `slow retries, got ${fake.socketsAccepted}`);
  });

  it('a missing key, a bad url or no server: red ring naming the problem, node stays deployed, no socket', async () => {
    await load([
      { id: 't1', type: 'tab' },
      { id: 'srv', type: 'printhooks-octoprint-server', url: fake.url },
      { id: 'bad', type: 'printhooks-octoprint-server', url: 'octopi.local' },
      { id: 's1', z: 't1', type: 'printhooks-octoprint', server: 'srv', wires: [[]] },
      { id: 's2', z: 't1', type: 'printhooks-octoprint', server: 'bad', wires: [[]] },
      { id: 's3', z: 't1', type: 'printhooks-octoprint', server: '', wires: [[]] },
    ], { bad: { apiKey: 'k' } });
    assert.match(lastStatus('s1').text ?? '', /^API key is empty/);
    assert.match(lastStatus('s2').text ?? '', /^url "octopi.local" is not/);
    assert.match(lastStatus('s3').text ?? '', /no OctoPrint server/);
    for (const id of ['s1', 's2', 's3']) assert.equal(lastStatus(id).fill, 'red');
    await sleep(100);
    assert.equal(fake.socketsAccepted, 0);
  });

  it('malformed frames and unknown message types: warned once per kind, the node keeps emitting', async () => {
    await load(flow(fake.url), { srv: { apiKey: fake.apiKey } });
    const got = collect('out-s1');
    await waitFor(() => fake.authedSockets === 1, 'socket');
    for (let i = 0; i < 3; i += 1) {
      fake.pushRaw('{"truncated":');
      fake.push({ somethingNew: i });
    }
    fake.startJob('benchy.gcode');
    await waitFor(() => got.some((m) => m.topic === 'print.started'), 'print.started after the garbage');
    const warn = (helper.getNode('srv') as unknown as { warn: { args: unknown[][]; thisValues: Array<{ id: string }> } }).warn;
    const mine = warn.args.filter((_a, i) => warn.thisValues[i]?.id === 'srv').map((a) => String(a[0]));
    assert.equal(mine.filter((w) => w.includes('not JSON')).length, 1);
    assert.equal(mine.filter((w) => w.includes('"somethingNew"')).length, 1);
  });

  it('the socket closes within 1 s when the last user leaves (redeploy/unload)', async () => {
    await load(flow(fake.url, {}, ['s1', 's2']), { srv: { apiKey: fake.apiKey } });
    await waitFor(() => fake.authedSockets === 1, 'socket');
    const t0 = Date.now();
    await helper.unload();
    await waitFor(() => fake.openSockets === 0, 'socket closed', 1000);
    assert.ok(Date.now() - t0 < 1000);
  });

  it('the connection reopens after a redeploy of the same config', async () => {
    await load(flow(fake.url), { srv: { apiKey: fake.apiKey } });
    await waitFor(() => fake.authedSockets === 1, 'first socket');
    await helper.setFlows(flow(fake.url, { name: 'Renamed' }) as never, 'full', { srv: { apiKey: fake.apiKey } });
    await waitFor(() => fake.socketsAccepted === 2 && fake.authedSockets === 1, 'second socket after redeploy');
    assert.equal(fake.openSockets, 1);
  });

  it('registers the webcam snapshot under the printer id', async () => {
    fake.camera = fakeJpeg(300);
    await load(flow(fake.url, { printerId: 'octo-snap' }), { srv: { apiKey: fake.apiKey } });
    assert.deepEqual(await fetchSnapshot('octo-snap'), fake.camera);
    await helper.unload();
    assert.equal(await fetchSnapshot('octo-snap'), undefined, 'unregistered on close');
  });

  it('Test connection endpoint: typed key, stored key when unchanged, and the exact problem', async () => {
    fake.setPrinting('a.gcode', 3);
    await load(flow(fake.url), { srv: { apiKey: fake.apiKey } });
    const typed = await helper.request().post('/printhooks-octoprint-server/test').send({ url: fake.url, apiKey: fake.apiKey }).expect(200);
    assert.deepEqual(typed.body, { ok: true, message: 'Reachable · auth OK · OctoPrint 1.11.8 · printer Printing', version: '1.11.8', state: 'Printing' });
    const stored = await helper.request().post('/printhooks-octoprint-server/test').send({ id: 'srv', url: fake.url, apiKey: '__PWRD__' }).expect(200);
    assert.equal(stored.body.ok, true);
    const wrong = await helper.request().post('/printhooks-octoprint-server/test').send({ url: fake.url, apiKey: 'nope' }).expect(200);
    assert.deepEqual(wrong.body, { ok: false, problem: 'auth', message: 'API key rejected' });
    const noKey = await helper.request().post('/printhooks-octoprint-server/test').send({ url: fake.url }).expect(200);
    assert.deepEqual(noKey.body, { ok: false, problem: 'config', message: 'API key is empty' });
    // A stored key is only lent to a Test of its own node type.
    const foreign = await helper.request().post('/printhooks-octoprint-server/test').send({ id: 's1', url: fake.url, apiKey: '__PWRD__' }).expect(200);
    assert.deepEqual(foreign.body, { ok: false, problem: 'config', message: 'API key is empty' });
    const hostile = await helper.request().post('/printhooks-octoprint-server/test').send([1, 2]).expect(200);
    assert.equal(hostile.body.ok, false);
    assert.equal(hostile.body.problem, 'config');
    assert.ok(!JSON.stringify([typed.body, stored.body]).includes(fake.apiKey), 'the key is never echoed');
  });

  it('loads a config saved before `version` existed (migration fills the defaults)', async () => {
    await load([
      { id: 't1', type: 'tab' },
      { id: 'srv', type: 'printhooks-octoprint-server', url: fake.url },
      { id: 's1', z: 't1', type: 'printhooks-octoprint', server: 'srv', wires: [['out-s1']] },
      { id: 'out-s1', z: 't1', type: 'helper' },
    ], { srv: { apiKey: fake.apiKey } });
    await waitFor(() => fake.authedSockets === 1, 'socket');
    const srv = helper.getNode('srv') as unknown as OctoPrintServerNode;
    assert.equal(srv.configError, undefined);
    assert.equal(srv.printer?.name, `127.0.0.1:${fake.port}`);
  });

  it('the shipped example flow loads and its filter passes the job start and the 25 % milestone', async () => {
    const file = path.resolve(__dirname, '..', '..', 'examples', 'OctoPrint - print events and milestones.json');
    const nodes = (JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Record<string, unknown>>).filter((n) => n.type !== 'debug' && n.type !== 'comment');
    const serverId = String(nodes.find((n) => n.type === 'printhooks-octoprint-server')?.id);
    const filter = nodes.find((n) => n.type === 'printhooks-filter') as Record<string, unknown>;
    const flowNodes = [
      { id: 't1', type: 'tab' },
      ...nodes.map((n) => (n.type === 'printhooks-octoprint-server' ? { ...n, url: fake.url } : { ...n, z: 't1' })),
      { ...filter, z: 't1', wires: [['milestones']] },
      { id: 'milestones', z: 't1', type: 'helper' },
    ];
    await helper.load([serverNode, sourceNode, filterNode], flowNodes as never, { [serverId]: { apiKey: fake.apiKey } } as never);
    const got = collect('milestones');
    await waitFor(() => fake.authedSockets === 1, 'socket');
    fake.startJob('benchy.gcode');
    for (const pct of [10, 26, 30]) fake.progress(pct);
    await waitFor(() => got.some((m) => m.topic === 'print.progress'), 'a milestone');
    await sleep(100);
    assert.deepEqual(got.map((m) => m.topic), ['print.started', 'print.progress'], 'one milestone between 10 % and 30 %');
    assert.equal(got[1].payload.job?.progress, 25, 'the filter reports the milestone crossed');
  });
});
