import assert from 'node:assert/strict';
import { buildEvent, type EventType } from '../../src/event';
import filterNode = require('../../nodes/printhooks-filter/printhooks-filter');
import { helper, nodeRedLine } from './helper';

const catchNode = require(require.resolve('@node-red/nodes/core/common/25-catch.js', {
  paths: [require.resolve(nodeRedLine === '4' ? 'node-red-4' : 'node-red')],
}));

const printer = { id: 'p1', name: 'Ender', kind: 'octoprint' as const };
const event = (type: EventType, job: Record<string, unknown> = { id: 'j1', file: 'benchy.gcode' }) =>
  buildEvent({ type, printer, job: job as never, discriminator: job.progress as number });

function flow(config: Record<string, unknown>) {
  return [
    { id: 't1', type: 'tab' },
    { id: 'f1', z: 't1', type: 'printhooks-filter', name: 'f', ...config, wires: [['out']] },
    { id: 'out', z: 't1', type: 'helper' },
    { id: 'c1', z: 't1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 't1', type: 'helper' },
  ];
}

function collect(id: string): unknown[] {
  const got: unknown[] = [];
  helper.getNode(id).on('input', (msg: unknown) => got.push(msg));
  return got;
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe(`printhooks-filter node (Node-RED ${nodeRedLine})`, () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  it('passes selected types and blocks the rest, with counts in the status', async () => {
    await helper.load([filterNode, catchNode], flow({ events: ['print.done', 'print.failed'] }));
    const out = collect('out');
    const f = helper.getNode('f1');
    f.receive({ topic: 'print.started', payload: event('print.started') });
    f.receive({ topic: 'print.done', payload: event('print.done') });
    f.receive({ topic: 'printer.online', payload: event('printer.online', {}) });
    await tick(400);
    assert.equal(out.length, 1);
    assert.equal((out[0] as { payload: { type: string } }).payload.type, 'print.done');
    const status = (f.status as unknown as { lastCall: { args: [{ text: string; fill: string }] } }).lastCall.args[0];
    assert.equal(status.text, 'passed 1 · blocked 2');
    assert.equal(status.fill, 'green');
  });

  it('field rules, progress milestones and cooldown work together', async () => {
    await helper.load([filterNode, catchNode], flow({
      rules: [{ path: 'job.file', op: 'in', value: ['benchy.gcode'] }],
      progressStep: 25,
      cooldown: 3600,
    }));
    const out = collect('out');
    const f = helper.getNode('f1');
    for (const p of [10, 30, 40, 80, 99]) f.receive({ payload: event('print.progress', { id: 'j1', file: 'benchy.gcode', progress: p }) });
    f.receive({ payload: event('print.progress', { id: 'j1', file: 'cube.gcode', progress: 50 }) });
    f.receive({ payload: event('print.done') });
    f.receive({ payload: event('print.done') });
    await tick();
    const seen = out.map((m) => {
      const p = (m as { payload: { type: string; job: { progress?: number } } }).payload;
      return p.type === 'print.progress' ? `${p.type}:${p.job.progress}` : p.type;
    });
    // 25 passes; 75 is a new milestone but the cooldown (per printer + type) holds it back; done always passes
    assert.deepEqual(seen, ['print.progress:25', 'print.done', 'print.done']);
  });

  it('a msg that is not an event goes to done(err) naming msg.payload, and the node keeps working', async () => {
    await helper.load([filterNode, catchNode], flow({}));
    const out = collect('out');
    const caught = collect('caught');
    const f = helper.getNode('f1');
    f.receive({ payload: 'hello' });
    f.receive({ payload: { type: 'print.finished', printer } });
    f.receive({ payload: event('print.done') });
    await tick();
    assert.equal(caught.length, 2);
    assert.match((caught[0] as { error: { message: string } }).error.message, /msg\.payload is not a PrintHooks event/);
    assert.equal(out.length, 1);
  });

  const badConfigs: Array<[string, Record<string, unknown>, RegExp]> = [
    ['unknown op', { rules: [{ path: 'job.file', op: 'contains', value: 'x' }] }, /rules\[0\]\.op: unknown operator "contains"/],
    ['malformed rule', { rules: [42] }, /rules\[0\]: expected \{path, op, value\}/],
    ['unknown time zone', { quietStart: '22:00', quietEnd: '06:00', timezone: 'Europe/Atlantis' }, /timezone: unknown IANA time zone/],
    ['unknown time zone, quiet hours off', { quietStart: '', quietEnd: '', timezone: 'Europe/Atlantis' }, /timezone: unknown IANA time zone "Europe\/Atlantis"/],
  ];
  for (const [name, config, pattern] of badConfigs) {
    it(`a bad config (${name}) deploys with a red status, names the field and passes nothing`, async () => {
      await helper.load([filterNode, catchNode], flow(config));
      const out = collect('out');
      const caught = collect('caught');
      const f = helper.getNode('f1');
      const status = (f.status as unknown as { firstCall: { args: [{ text: string; fill: string; shape: string }] } }).firstCall.args[0];
      assert.equal(status.fill, 'red');
      assert.equal(status.shape, 'ring');
      const logged = (f.error as unknown as { firstCall: { args: [string] } }).firstCall.args[0];
      assert.match(logged, pattern);
      f.receive({ payload: event('print.done') });
      await tick();
      assert.equal(out.length, 0);
      assert.equal(caught.length, 1);
      assert.match((caught[0] as { error: { message: string } }).error.message, pattern);
    });
  }

  it('quiet hours in hold mode hold events and show them in the status', async () => {
    const now = new Date();
    const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    await helper.load([filterNode, catchNode], flow({
      quietStart: hhmm(new Date(now.getTime() - 3600_000)),
      quietEnd: hhmm(new Date(now.getTime() + 3600_000)),
      timezone: 'UTC',
      quietMode: 'hold',
    }));
    const out = collect('out');
    const f = helper.getNode('f1');
    f.receive({ payload: event('print.done') });
    f.receive({ payload: event('print.done') });
    f.receive({ payload: event('print.started') });
    await tick(400);
    assert.equal(out.length, 0);
    const status = (f.status as unknown as { lastCall: { args: [{ text: string; fill: string }] } }).lastCall.args[0];
    assert.equal(status.text, 'passed 0 · blocked 0 · held 2');
    assert.equal(status.fill, 'yellow');
  });

  it('loads a config saved before versions existed', async () => {
    const saved: unknown[] = [
      { id: 't1', type: 'tab' },
      { id: 'f1', z: 't1', type: 'printhooks-filter', events: ['print.done'], wires: [['out']] },
      { id: 'out', z: 't1', type: 'helper' },
    ];
    await helper.load([filterNode, catchNode], saved as never);
    const out = collect('out');
    helper.getNode('f1').receive({ payload: event('print.done') });
    await tick();
    assert.equal(out.length, 1);
  });
});
