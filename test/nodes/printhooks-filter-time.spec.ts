import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildEvent, type JobInfo } from '../../src/event';
import filterNode = require('../../nodes/printhooks-filter/printhooks-filter');
import { helper, nodeRedLine } from './helper';
import { useFilterEnv } from './support/filter-env';

// Issue 19 point 2 (docs/filter.md): the time step and remaining-below marks are kept with the milestones
// in <userDir>/printhooks/filter/<node id>.json, so a restart does not send the "time remaining" event again.

const printer = { id: 'mk4', name: 'MK4', kind: 'prusalink' as const };
const progress = (job: Partial<JobInfo>) => {
  const payload = buildEvent({ type: 'print.progress', printer, job: { id: 'j-7', file: 'vase.bgcode', ...job }, discriminator: job.progress });
  return { topic: payload.type, payload };
};

function flow(): unknown[] {
  return [
    { id: 't1', type: 'tab' },
    { id: 'f1', z: 't1', type: 'printhooks-filter', events: ['print.started', 'print.progress'], rules: [], progressStep: 0, progressEvery: 10, remainingBelow: 15, cooldown: 0, version: 2, wires: [['out']] },
    { id: 'out', z: 't1', type: 'helper' },
  ];
}

function collect(): Array<{ payload: { job: JobInfo; reason?: string }; thinned?: boolean }> {
  const got: Array<{ payload: { job: JobInfo; reason?: string }; thinned?: boolean }> = [];
  helper.getNode('out').on('input', (msg: unknown) => got.push(msg as (typeof got)[number]));
  return got;
}

const tick = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe(`printhooks-filter time marks across a restart (Node-RED ${nodeRedLine})`, function () {
  this.timeout(30_000);
  const env = useFilterEnv(100);
  const stateFile = () => env.stateFile();

  it('the remaining-below event passes once per job, marked thinned, and not again after a restart', async () => {
    await helper.load([filterNode], flow() as never);
    let got = collect();
    const f = () => helper.getNode('f1');
    f().receive(progress({ progress: 80, remaining_s: 1800 }));
    f().receive(progress({ progress: 91, remaining_s: 840 }));
    f().receive(progress({ progress: 93, remaining_s: 700 }));
    await tick();
    assert.equal(got.length, 1);
    assert.equal(got[0].payload.reason, 'remaining_below');
    assert.equal(got[0].payload.job.remaining_s, 840);
    assert.equal(got[0].thinned, true);
    await helper.unload(); // close flushes the marks

    const saved = JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as { printers: Array<Record<string, unknown>> };
    assert.equal(saved.printers.length, 1);
    assert.equal(saved.printers[0].remainingSent, true);
    assert.equal(typeof saved.printers[0].progressAt, 'number');

    await helper.load([filterNode], flow() as never);
    got = collect();
    // the source reports the same job again after the restart: no second "remaining" message, and the
    // time step goes on from the saved mark (10 minutes have not passed)
    f().receive(progress({ progress: 94, remaining_s: 600 }));
    f().receive(progress({ progress: 95, remaining_s: 500 }));
    await tick();
    assert.equal(got.length, 0);
    // a new job has its own
    f().receive({ topic: 'print.started', payload: buildEvent({ type: 'print.started', printer, job: { id: 'j-8' } }) });
    f().receive(progress({ id: 'j-8', progress: 97, remaining_s: 120 }));
    await tick();
    assert.deepEqual(got.map((m) => [m.payload.job.id, m.payload.reason]), [['j-8', undefined], ['j-8', 'remaining_below']]);
  });
});
