import assert from 'node:assert/strict';
import { attention, busy, errored, finished, idle, paused, printing, recorder, stopped } from './views';

describe('PrusaLinkMonitor (poll views → canonical events)', () => {
  it('a print with pause and resume: started, progress milestones, paused, resumed, done with the cached job', () => {
    const r = recorder();
    r.monitor.baseline(idle());
    r.monitor.report(printing(41, 0));
    r.monitor.report(printing(41, 12.5));
    r.monitor.report(paused(41, 30));
    r.monitor.report(printing(41, 30));
    r.monitor.report(printing(41, 99));
    r.monitor.report(finished());
    r.monitor.report(finished());
    const lifecycle = r.types().filter((t) => t !== 'print.progress');
    assert.deepEqual(lifecycle, ['print.started', 'print.paused', 'print.resumed', 'print.done']);
    const milestones = r.events.filter((e) => e.type === 'print.progress').map((e) => e.job?.progress);
    assert.deepEqual([milestones[0], milestones.at(-1)], [12, 99]);
    const done = r.events.find((e) => e.type === 'print.done')!;
    // FINISHED carries no job: id, file and numbers come from the last active poll.
    assert.deepEqual([done.job?.id, done.job?.file, done.job?.progress], ['41', 'benchy.bgcode', 99]);
    assert.equal(done.printer.kind, 'prusalink');
  });

  it('STOPPED is a cancel (reason user), ERROR a failure with the printer\'s message and one printer.error', () => {
    const r = recorder();
    r.monitor.baseline(idle());
    r.monitor.report(printing(42, 10));
    r.monitor.report(stopped());
    r.monitor.report(idle());
    r.monitor.report(printing(43, 5));
    r.monitor.report(errored('thermal runaway'));
    r.monitor.report(errored('thermal runaway'));
    r.monitor.report(idle());
    assert.deepEqual(r.types().filter((t) => t !== 'print.progress'), ['print.started', 'print.cancelled', 'print.started', 'print.failed']);
    const cancelled = r.events.find((e) => e.type === 'print.cancelled')!;
    assert.deepEqual([cancelled.job?.id, cancelled.reason], ['42', 'user']);
    const failed = r.events.find((e) => e.type === 'print.failed')!;
    assert.deepEqual([failed.job?.id, failed.reason, failed.error?.message], ['43', 'error', 'thermal runaway']);
    assert.equal(r.types('printer.error').length, 1);
  });

  it('a finished or stopped job on screen at start-up is a baseline: nothing is announced', () => {
    for (const view of [finished(), stopped(), errored()]) {
      const r = recorder();
      r.monitor.baseline(view);
      r.monitor.report(view);
      r.monitor.report(idle());
      assert.deepEqual(r.types(), [], view.state);
      assert.deepEqual(r.types('printer.error'), [], view.state);
    }
  });

  it('a job already printing at start-up gets no print.started, but its end', () => {
    const r = recorder();
    r.monitor.baseline(printing(50, 40));
    r.monitor.report(printing(50, 41));
    r.monitor.report(finished());
    assert.deepEqual(r.types(), ['print.progress', 'print.done']);
  });

  it('ATTENTION during a print: paused (reason attention) with one printer.attention, then resumed', () => {
    const r = recorder();
    r.monitor.baseline(idle());
    r.monitor.report(printing(44, 20));
    r.monitor.report(attention(44, 21));
    r.monitor.report(attention(44, 21));
    r.monitor.report(printing(44, 22));
    assert.deepEqual(r.types().filter((t) => t !== 'print.progress'), ['print.started', 'print.paused', 'print.resumed']);
    assert.equal(r.events.find((e) => e.type === 'print.paused')!.reason, 'attention');
    const waits = r.events.filter((e) => e.type === 'printer.attention');
    assert.equal(waits.length, 1);
    assert.equal(waits[0].reason, 'attention');
  });

  it('a print-preview question is no job: one attention, and nothing when it is abandoned', () => {
    const r = recorder();
    r.monitor.baseline(idle());
    r.monitor.report(attention(45, 0));
    r.monitor.report(attention(45, 0));
    r.monitor.report(idle());
    assert.deepEqual(r.types(), []);
    assert.deepEqual(r.events.filter((e) => e.type !== 'printer.online').map((e) => [e.type, e.reason]), [['printer.attention', 'print_preview']]);
    r.monitor.report(printing(44, 50));
    r.monitor.report(finished());
    r.monitor.report(attention(46, 0));
    assert.equal(r.monitor.tracker.currentJob?.id, '44');
    assert.equal(r.monitor.tracker.currentJob?.progress, 50, 'the preview\'s numbers are not laid over the ended job');
    r.monitor.report(printing(46, 1));
    r.monitor.report(finished());
    assert.deepEqual(r.types().filter((t) => t !== 'print.progress'), ['print.started', 'print.done', 'print.started', 'print.done']);
  });

  it('BUSY without the job in the middle of a print (crash recovery) keeps the job', () => {
    const r = recorder();
    r.monitor.baseline(idle());
    r.monitor.report(printing(47, 10));
    r.monitor.report(busy());
    r.monitor.report(printing(47, 11));
    r.monitor.report(finished());
    assert.deepEqual(r.types().filter((t) => t !== 'print.progress'), ['print.started', 'print.done']);
  });

  it('an active job gone without an end state: done from 99 %, otherwise failed (interrupted), once', () => {
    const near = recorder();
    near.monitor.baseline(idle());
    near.monitor.report(printing(48, 99));
    near.monitor.report(idle());
    near.monitor.report(idle());
    assert.deepEqual(near.types().filter((t) => t !== 'print.progress'), ['print.started', 'print.done']);

    const early = recorder();
    early.monitor.baseline(idle());
    early.monitor.report(printing(49, 30));
    early.monitor.report(idle());
    const failed = early.events.filter((e) => e.type === 'print.failed');
    assert.equal(failed.length, 1);
    assert.deepEqual([failed[0].reason, failed[0].error?.code, failed[0].job?.id], ['interrupted', 'job_vanished', '49']);
  });

  it('a new job id while the old one was printing: the old one ends (inferred), the new one starts', () => {
    const r = recorder();
    r.monitor.baseline(idle());
    r.monitor.report(printing(60, 99.5));
    r.monitor.report(printing(61, 1));
    assert.deepEqual(r.types().filter((t) => t !== 'print.progress'), ['print.started', 'print.done', 'print.started']);
    assert.deepEqual(r.events.filter((e) => e.type === 'print.started').map((e) => e.job?.id), ['60', '61']);
  });

  it('after a reconnect: the followed job ended (FINISHED shown) → its one done; gone to IDLE → inferred once', () => {
    const r = recorder();
    r.monitor.baseline(idle());
    r.monitor.report(printing(70, 50));
    r.monitor.down();
    r.monitor.baseline(finished());
    r.monitor.report(finished());
    assert.deepEqual(r.types().filter((t) => t !== 'print.progress'), ['print.started', 'print.done']);

    const gone = recorder();
    gone.monitor.baseline(idle());
    gone.monitor.report(printing(71, 50));
    gone.monitor.down();
    gone.monitor.baseline(printing(72, 3));
    assert.deepEqual(gone.types().filter((t) => t !== 'print.progress'), ['print.started', 'print.failed', 'print.started']);
  });

  it('what changed while the printer was unreachable is an edge: a pause during the outage is reported', () => {
    const r = recorder();
    r.monitor.baseline(idle());
    r.monitor.report(printing(73, 20));
    r.monitor.down();
    r.monitor.baseline(paused(73, 35));
    r.monitor.down();
    r.monitor.baseline(paused(73, 35));
    assert.deepEqual(r.types(), ['print.started', 'print.paused', 'print.progress']);
    assert.equal(r.events.find((e) => e.type === 'print.progress')!.job?.progress, 35, 'the highest percent crossed, once');
  });

  it('the same event seen twice has the same id (receivers dedupe on it)', () => {
    const a = recorder();
    const b = recorder();
    for (const r of [a, b]) {
      r.monitor.baseline(idle());
      r.monitor.report(printing(80, 10));
      r.monitor.report(printing(80, 20));
      r.monitor.report(finished());
    }
    // printer.online is told apart by its time; every job event is the same.
    const ids = (r: typeof a) => r.events.filter((e) => e.type.startsWith('print.')).map((e) => e.id);
    assert.equal(ids(a).length, 3);
    assert.deepEqual(ids(a), ids(b));
  });

  it('printer.bed_cooled after the job once the bed reads below the threshold', () => {
    const r = recorder({ bedCooledBelow: 40 });
    r.monitor.baseline(idle(60));
    r.monitor.report(printing(90, 10));
    r.monitor.report(finished(55));
    r.monitor.report(finished(45));
    r.monitor.report(finished(38));
    r.monitor.report(finished(30));
    assert.equal(r.events.filter((e) => e.type === 'printer.bed_cooled').length, 1);
  });
});
