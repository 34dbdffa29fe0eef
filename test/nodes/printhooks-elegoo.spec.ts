import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { helper, nodeRedLine } from './helper';
import { FakeSdcp } from '../fakes/elegoo/fake-sdcp';
import { elegooNodeHarness, elegooNodes, lifecycle, until, type FlowItem, type Msg } from '../fakes/elegoo/node-harness';

function flow(port: number, printer: Record<string, unknown> = {}): FlowItem[] {
  return [
    { id: 'prn', type: 'printhooks-elegoo-printer', name: 'CC', host: '127.0.0.1', port, model: 'cc', reconnectMs: 20, ...printer },
    { id: 'src', type: 'printhooks-elegoo', printer: 'prn', offlineDelayMs: 50, wires: [['out']] },
    { id: 'out', type: 'helper' },
  ];
}

describe(`printhooks-elegoo over SDCP (Node-RED ${nodeRedLine})`, function () {
  let fake: FakeSdcp;
  const h = elegooNodeHarness(() => fake?.close());
  const { msgs, start, online, seen } = h;

  it('a normal print with a pause: started, milestones, layers, paused, resumed, done — once each', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    await start(flow(fake.port));
    await online();
    fake.print({ Status: 10, TaskId: 'task-1', Filename: 'benchy.gcode', TotalLayer: 100, TotalTicks: 3600 });
    await seen('print.started');
    fake.print({ Status: 13, Progress: 10, CurrentLayer: 5, CurrentTicks: 360 });
    fake.print({ Progress: 25, CurrentLayer: 6, CurrentTicks: 900 });
    fake.print({ Status: 5 });
    fake.print({ Status: 6 });
    await seen('print.paused');
    fake.print({ Status: 12 });
    fake.print({ Status: 13, Progress: 60, CurrentLayer: 50 });
    fake.print({ Status: 9, Progress: 100, CurrentLayer: 100, CurrentTicks: 3600 });
    await seen('print.done');
    // The printer clears the job's name and id soon after the end; that is no new edge.
    fake.print({ TaskId: '', Filename: '', CurrentTicks: 0, Progress: 0 });
    fake.print({ Status: 0 });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(lifecycle(msgs), [
      'print.started', 'print.progress', 'print.progress', 'print.layer',
      'print.paused', 'print.resumed', 'print.progress', 'print.layer', 'print.done',
    ]);
    const progress = msgs.filter((m) => m.topic === 'print.progress').map((m) => m.payload.job?.progress);
    assert.deepEqual(progress, [10, 25, 60]);
    assert.deepEqual(msgs.filter((m) => m.topic === 'print.layer').map((m) => m.payload.job?.layer), [6, 50]);
    const done = msgs.find((m) => m.topic === 'print.done')!;
    assert.equal(done.payload.job?.file, 'benchy.gcode');
    assert.equal(done.payload.job?.id, 'task:task-1');
    assert.equal(done.payload.job?.elapsed_s, 3600);
    assert.equal(done.payload.printer.kind, 'elegoo');
    assert.match(done.payload.printer.id, /^elegoo-[0-9a-f]{12}$/);
  });

  it('a cancel (13 → 7 → 1 → 8, then the job info cleared) is one print.cancelled, never a failure', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    await start(flow(fake.port));
    await online();
    fake.print({ Status: 13, TaskId: 'task-2', Filename: 'vase.gcode', Progress: 30 });
    await seen('print.started');
    fake.print({ Status: 7 });
    fake.print({ Status: 1 });
    fake.print({ Status: 8 });
    fake.print({ TaskId: '', Filename: '' });
    await seen('print.cancelled');
    await new Promise((r) => setTimeout(r, 50));
    // Progress at the first sight of a job is its starting mark, not a milestone crossed.
    assert.deepEqual(lifecycle(msgs), ['print.started', 'print.cancelled']);
    const cancelled = msgs.find((m) => m.topic === 'print.cancelled')!;
    assert.equal(cancelled.payload.reason, 'user');
    assert.equal(cancelled.payload.job?.file, 'vase.gcode');
  });

  it('status 14 is print.failed with the printer\'s error, and an sdcp/error push is one printer.error', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    await start(flow(fake.port));
    await online();
    fake.print({ Status: 13, TaskId: 'task-3', Filename: 'a.gcode' });
    await seen('print.started');
    fake.pushError('1');
    fake.pushError('1');
    fake.print({ Status: 14 });
    await seen('print.failed');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(lifecycle(msgs), ['print.started', 'printer.error', 'print.failed']);
    const failed = msgs.find((m) => m.topic === 'print.failed')!;
    assert.equal(failed.payload.error?.code, 'status_14');
    assert.equal(failed.payload.reason, 'error');
  });

  it('a job already finished at connect is not announced; the next job is', async () => {
    fake = new FakeSdcp();
    fake.printInfo = { Status: 9, TaskId: 'old', Filename: 'old.gcode', Progress: 100 };
    await fake.listen();
    await start(flow(fake.port));
    await online();
    fake.print({ Status: 0, TaskId: '', Filename: '' });
    fake.print({ Status: 13, TaskId: 'new', Filename: 'new.gcode' });
    await seen('print.started');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(lifecycle(msgs), ['print.started']);
    assert.equal(msgs.find((m) => m.topic === 'print.started')!.payload.job?.file, 'new.gcode');
  });

  it('a connection dropped mid-print is reconciled once: the end seen at reconnect (job info cleared), confirmed by history', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    await start(flow(fake.port));
    await online();
    fake.print({ Status: 13, TaskId: 'task-4', Filename: 'part.gcode', Progress: 40 });
    await seen('print.started');
    fake.printInfo = { ...fake.printInfo, Status: 9, TaskId: '', Filename: '', Progress: 100 };
    fake.history = [{ TaskId: 'task-4', TaskStatus: 1 }];
    fake.dropClients();
    await seen('print.done');
    await until(() => fake.upgrades >= 2);
    fake.pushStatus();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(lifecycle(msgs), ['print.started', 'print.done']);
    assert.ok(fake.commands.includes(321), 'asked the history');
    assert.equal(msgs.find((m) => m.topic === 'print.done')!.payload.job?.id, 'task:task-4');
  });

  it('a job that ended unseen while the printer shows idle takes its end from the history (stopped = cancelled)', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    await start(flow(fake.port));
    await online();
    fake.print({ Status: 13, TaskId: 'task-5', Filename: 'p.gcode' });
    await seen('print.started');
    fake.printInfo = { Status: 0, TaskId: '', Filename: '' };
    fake.history = [{ TaskId: 'task-5', TaskStatus: 3 }];
    fake.dropClients();
    await seen('print.cancelled');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(lifecycle(msgs), ['print.started', 'print.cancelled']);
  });

  it('the MainboardID may change (same MAC): the job goes on and ends once; a new MAC is another printer', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    await start(flow(fake.port, { mainboardId: fake.mainboardId }));
    await online();
    fake.print({ Status: 13, TaskId: 'task-6', Filename: 'm.gcode' });
    await seen('print.started');
    fake.mainboardId = 'ffff0000ffff0000ffff0000ffff0000';
    fake.dropClients();
    await until(() => fake.upgrades >= 2);
    await new Promise((r) => setTimeout(r, 50));
    fake.print({ Status: 9 });
    await seen('print.done');
    fake.print({ Status: 13, TaskId: 'task-7', Filename: 'n.gcode' });
    await seen('print.started', 2);
    fake.mac = '66:77:88:99:aa:bb';
    fake.printInfo = { Status: 0, TaskId: '', Filename: '' };
    fake.dropClients();
    await until(() => fake.upgrades >= 3);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(lifecycle(msgs), ['print.started', 'print.done', 'print.started']);
    const warned = (helper.getNode('src').warn as unknown as { getCalls(): Array<{ args: string[] }> }).getCalls().map((c) => c.args[0]);
    assert.ok(warned.some((w) => /another printer/.test(w)));
  });

  it('"too many client" is shown as such and retried slowly; the slot taken once it is free', async () => {
    fake = new FakeSdcp({ cap: 1 });
    await fake.listen();
    const other = new WebSocket(fake.url);
    await new Promise((r) => other.once('open', r));
    await start(flow(fake.port, { busyRetryMs: 400 }));
        await until(() => h.statuses().some((s) => s.fill === 'yellow' && /too many clients/.test(s.text ?? '')));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(fake.refused, 1, 'no fast retries into a full printer');
    other.close();
    await online();
    assert.ok(fake.refused <= 2);
  });

  it('text pings keep the link inside the printer\'s idle cut-off; with pings too rare the printer cuts it and the link is made again', async () => {
    fake = new FakeSdcp({ idleMs: 250 });
    await fake.listen();
    await start(flow(fake.port, { pingMs: 60 }));
    await online();
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(fake.idleClosed, 0);
    assert.equal(fake.upgrades, 1);
    assert.ok(fake.pings >= 5, `pings: ${fake.pings}`);
    await helper.unload();
    await start(flow(fake.port, { pingMs: 10_000 }));
    await until(() => fake.idleClosed >= 1 && fake.upgrades >= 3, 3000);
  });

  it('shares one websocket between source nodes and closes it cleanly when the last one leaves', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    const nodes = flow(fake.port);
    nodes.push({ id: 'src2', type: 'printhooks-elegoo', printer: 'prn', wires: [[]] });
    await start(nodes);
    await online();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fake.upgrades, 1);
    assert.equal(fake.clientCount, 1);
    await helper.unload();
    await fake.until(() => fake.clientCount === 0, 1000);
  });

  it('resin: ticks in milliseconds, progress from layers, stop = cancelled', async () => {
    fake = new FakeSdcp({ model: 'resin' });
    await fake.listen();
    await start(flow(fake.port, { model: 'resin' }));
    await online();
    fake.print({ Status: 3, TaskId: 'r1', Filename: 'mini.ctb', TotalLayer: 200, CurrentLayer: 1, TotalTicks: 7_200_000, CurrentTicks: 1000 });
    await seen('print.started');
    fake.print({ Status: 4, CurrentLayer: 50, CurrentTicks: 1_800_000 });
    await seen('print.progress');
    fake.print({ Status: 7 });
    fake.print({ Status: 8 });
    await seen('print.cancelled');
    const progress = msgs.find((m) => m.topic === 'print.progress')!;
    assert.equal(progress.payload.job?.progress, 25);
    assert.equal(progress.payload.job?.elapsed_s, 1800);
    assert.equal(progress.payload.job?.remaining_s, 5400);
  });

  it('hostile frames are skipped with one warning and the link goes on', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    await start(flow(fake.port));
    await online();
    fake.sendRaw('{not json');
    fake.sendRaw(JSON.stringify({ Topic: 'sdcp/status/x', Status: { PrintInfo: { Status: '13', Progress: 1e308, CurrentLayer: -5, TaskId: {} } } }));
    fake.sendRaw('['.repeat(5000));
    fake.print({ Status: 13, TaskId: 'ok', Filename: 'ok.gcode' });
    await seen('print.started');
  });

  it('answers Test connection with the model and firmware, or what is wrong', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    await start(flow(fake.port));
    const res = await helper.request().post('/printhooks-elegoo-printer/test').send({ host: '127.0.0.1', port: fake.port, model: 'cc' }).expect(200);
    assert.equal(res.body.ok, true, res.body.message);
    assert.equal(res.body.model, 'Centauri Carbon');
    assert.equal(res.body.version, 'V1.1.29');
    const down = await helper.request().post('/printhooks-elegoo-printer/test').send({ host: '127.0.0.1', port: 1, model: 'cc' }).expect(200);
    assert.equal(down.body.ok, false);
    assert.equal(down.body.problem, 'unreachable');
    const bad = await helper.request().post('/printhooks-elegoo-printer/test').send({ host: 'http://x', model: 'cc' }).expect(200);
    assert.equal(bad.body.problem, 'config');
    assert.match(bad.body.message, /^host:/);
  });

  it('a bad config stays deployable with a red status naming the field', async () => {
    fake = new FakeSdcp();
    await start([{ id: 'prn', type: 'printhooks-elegoo-printer', host: '127.0.0.1', model: 'laser' }, { id: 'src', type: 'printhooks-elegoo', printer: 'prn', wires: [[]] }]);
    const last = h.statuses().at(-1);
    assert.equal(last?.fill, 'red');
    assert.match((helper.getNode('prn') as unknown as { configError: string }).configError, /model: choose cc/);
  });

  it('runs the shipped example flow: a job end reaches the first switch output', async () => {
    fake = new FakeSdcp();
    await fake.listen();
    const file = path.resolve(__dirname, '..', '..', 'examples', 'Elegoo - print events to a debug.json');
    const example = JSON.parse(fs.readFileSync(file, 'utf8')) as FlowItem[];
    const nodes = example
      .filter((n) => n.type !== 'comment')
      .map(({ z: _z, x: _x, y: _y, ...n }) => {
        if (n.type === 'printhooks-elegoo-printer') return { ...n, host: '127.0.0.1', port: fake.port };
        if (n.type === 'debug') return { id: n.id, type: 'helper' };
        return n;
      });
    await helper.load([...elegooNodes, coreSwitch()] as never, nodes as never);
    const ends: Msg[] = [];
    const rest: Msg[] = [];
    helper.getNode('e1e9000000000004').on('input', (msg: unknown) => ends.push(msg as Msg));
    helper.getNode('e1e9000000000005').on('input', (msg: unknown) => rest.push(msg as Msg));
    await until(() => rest.some((m) => m.topic === 'printer.online'));
    fake.print({ Status: 13, TaskId: 'ex', Filename: 'ex.gcode' });
    await until(() => rest.some((m) => m.topic === 'print.started'));
    fake.print({ Status: 9 });
    await until(() => ends.some((m) => m.topic === 'print.done'));
  });
});

/** The core switch node of the Node-RED line under test, to load the shipped example as it is. */
function coreSwitch(): unknown {
  const pkg = nodeRedLine === '4' ? 'node-red-4' : 'node-red';
  const nodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve(`${pkg}/package.json`))] }));
  return require(path.join(nodesDir, 'core', 'function', '10-switch.js'));
}
