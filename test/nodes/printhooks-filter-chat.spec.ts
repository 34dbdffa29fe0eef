import assert from 'node:assert/strict';
import { buildEvent } from '../../src/event';
import filterNode = require('../../nodes/printhooks-filter/printhooks-filter');
import { helper, nodeRedLine } from './helper';

const templateNode = require('../../nodes/printhooks-template/printhooks-template');

const printer = { id: 'p1', name: 'Ender', kind: 'octoprint' as const };
const progress = (percent: number) => buildEvent({ type: 'print.progress', printer, job: { id: 'j1', file: 'benchy.gcode', progress: percent }, discriminator: percent });

type Status = { fill?: string; text?: string };
/** The node's latest status (the helper's spy on status() may be shared by every node). */
function lastStatus(id: string): Status {
  const node = helper.getNode(id);
  const spy = node.status as unknown as { getCalls(): Array<{ thisValue: unknown; args: [Status] }> };
  const own = spy.getCalls().filter((c) => c.thisValue === node);
  return own[own.length - 1]?.args[0] ?? {};
}
const tick = (ms = 100) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 15 point 3: a chat template fed progress that no filter thinned says so in a yellow status; the
 * same progress through a filter with milestones carries msg.thinned and the template stays green.
 */
describe(`filter → chat template: unthinned progress (Node-RED ${nodeRedLine})`, () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  it('progress straight into Discord: yellow status naming the fix; through milestones: msg.thinned and green', async () => {
    const flow: Array<Record<string, unknown>> = [
      { id: 't1', type: 'tab' },
      { id: 'direct', z: 't1', type: 'printhooks-template', preset: 'discord', version: 1, wires: [['out1']] },
      { id: 'f1', z: 't1', type: 'printhooks-filter', events: [], progressStep: 25, version: 2, wires: [['thinned', 'out2']] },
      { id: 'thinned', z: 't1', type: 'printhooks-template', preset: 'discord', version: 1, wires: [[]] },
      { id: 'f2', z: 't1', type: 'printhooks-filter', events: ['print.progress'], progressStep: 0, version: 2, wires: [['loose']] },
      { id: 'loose', z: 't1', type: 'printhooks-template', preset: 'ntfy', recipient: 'farm', version: 1, wires: [[]] },
      { id: 'out1', z: 't1', type: 'helper' },
      { id: 'out2', z: 't1', type: 'helper' },
    ];
    await helper.load([filterNode, templateNode], flow as never);
    const fromFilter: Array<Record<string, unknown>> = [];
    helper.getNode('out2').on('input', (m: Record<string, unknown>) => fromFilter.push(m));
    helper.getNode('direct').receive({ topic: 'print.progress', payload: progress(7) });
    for (const p of [10, 26, 27]) helper.getNode('f1').receive({ topic: 'print.progress', payload: progress(p) });
    helper.getNode('f2').receive({ topic: 'print.progress', payload: progress(3) });
    await tick(300);
    assert.deepEqual(lastStatus('direct'), { fill: 'yellow', shape: 'ring', text: 'progress unthinned: set milestones on the filter' });
    assert.equal(fromFilter.length, 1);
    assert.equal(fromFilter[0].thinned, true);
    assert.equal((fromFilter[0].payload as { job: { progress: number } }).job.progress, 25);
    assert.equal(lastStatus('thinned').fill, 'green');
    // a filter without milestones lets every percent through unmarked: the push template warns too
    assert.equal(lastStatus('loose').fill, 'yellow');
    helper.getNode('direct').receive({ topic: 'print.done', payload: buildEvent({ type: 'print.done', printer, job: { id: 'j1' } }) });
    await tick();
    assert.equal(lastStatus('direct').fill, 'green', 'the warning goes once a real event renders');
  });
});
