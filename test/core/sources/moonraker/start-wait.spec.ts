import assert from 'node:assert/strict';
import { isJobEdge, StartDeadline, touchesJob } from '../../../../src/sources/moonraker/start-wait';
import { startHarness, type Harness } from './harness';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Issue 13, point 3 (docs/robustness.md, "Moonraker start edges"): a start edge waiting for its history
// "added" is bounded and cut short by the frames behind it.
describe('moonraker start edges do not hold up the frames behind them', () => {
  it('tells job objects and job edges from the rest', () => {
    assert.equal(touchesJob({ extruder: { temperature: 210 }, heater_bed: { temperature: 60 } }), false);
    assert.equal(touchesJob({ extruder: { temperature: 210 }, virtual_sdcard: { progress: 0.5 } }), true);
    assert.equal(touchesJob({ 'filament_switch_sensor runout': { filament_detected: false } }), true);
    assert.equal(isJobEdge({ print_stats: { print_duration: 12 } }), false);
    assert.equal(isJobEdge({ print_stats: { state: 'paused' } }), true);
    assert.equal(isJobEdge({ webhooks: { state: 'shutdown' } }), true);
  });

  it('a deadline ends at its budget when nothing queues, sooner once frames queue, at once for an edge', async () => {
    const quiet = new StartDeadline({ budgetMs: 30 });
    assert.equal(await quiet.race(new Promise(() => undefined)), undefined);
    assert.equal(quiet.passed, true);
    assert.equal(quiet.cutShort, false);

    const busy = new StartDeadline({ budgetMs: 60_000, graceMs: 20 });
    busy.queued(false);
    assert.equal(busy.passed, false);
    await busy.expired;
    assert.equal(busy.cutShort, true);

    const edge = new StartDeadline({ budgetMs: 60_000 });
    edge.queued(true);
    assert.equal(edge.passed, true);

    const backlog = new StartDeadline({ budgetMs: 60_000, graceMs: 60_000, maxBacklog: 3 });
    backlog.queued(false);
    backlog.queued(false);
    assert.equal(backlog.passed, false);
    backlog.queued(false);
    assert.equal(backlog.passed, true);

    const answered = new StartDeadline({ budgetMs: 60_000 });
    assert.equal(await answered.race(Promise.resolve('000042')), '000042');
    answered.finish();
    const late = new StartDeadline({ budgetMs: 60_000 });
    const lateAnswer = late.untilQueued(tick(30).then(() => Promise.reject(new Error('too late'))));
    late.queued(false);
    assert.equal(await lateAnswer, undefined, 'a rejection after the cut is absorbed, never unhandled');
    late.finish();
    await tick(40);
  });

  describe('through a real websocket (fake Moonraker that never sends "added")', () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.stop();
      h = undefined;
    });

    it('a start followed by a stream of diffs is reported after the grace, not after the 5 s budget', async () => {
      h = await startHarness({ fake: { autoHistory: false }, monitor: { historyWaitMs: 5000, historyGraceMs: 50 } });
      const started = Date.now();
      h.fake.update({ print_stats: { filename: 'a.gcode', state: 'printing' } });
      for (let i = 0; i < 20; i += 1) h.fake.update({ extruder: { temperature: 200 + i }, heater_bed: { temperature: 50 + i } });
      h.fake.update({ virtual_sdcard: { progress: 0.5, is_active: true } });
      await h.waitForType('print.started');
      assert.ok(Date.now() - started < 2500, `print.started after ${Date.now() - started} ms`);
      await h.waitFor(() => h!.events.some((e) => e.type === 'print.progress'));
    });

    it('30 flapping start edges are all reported, each cut at once by the next edge', async () => {
      h = await startHarness({ fake: { autoHistory: false }, monitor: { historyWaitMs: 5000, historyGraceMs: 5000 } });
      const started = Date.now();
      for (let i = 0; i < 30; i += 1) {
        h.fake.update({ print_stats: { filename: `noise-${i}.gcode`, state: 'printing' } });
        h.fake.update({ print_stats: { state: 'standby' } });
      }
      await h.waitFor(() => h!.events.filter((e) => e.type === 'print.cancelled').length === 30, 4500);
      assert.ok(Date.now() - started < 4500, `all 30 after ${Date.now() - started} ms (one budget is 5000 ms)`);
      const starts = h.events.filter((e) => e.type === 'print.started').map((e) => e.job?.file);
      assert.deepEqual(starts, Array.from({ length: 30 }, (_, i) => `noise-${i}.gcode`));
    });
  });
});
