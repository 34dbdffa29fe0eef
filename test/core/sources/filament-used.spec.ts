import assert from 'node:assert/strict';
import type { PrinterEvent } from '../../../src/event';
import { JobTracker } from '../../../src/lifecycle';
import { mergeJobInfo } from '../../../src/observation';
import { STATE_FORMAT, STATE_VERSION, validateStateFile } from '../../../src/state/validate';
import { filamentEstimateMm } from '../../../src/sources/octoprint/job-state';
import { OctoPrintMonitor } from '../../../src/sources/octoprint/monitor';
import { parseFrame, type PushFrame, type StatePayload } from '../../../src/sources/octoprint/frames';
import { filamentMm, observationFrom } from '../../../src/sources/moonraker/job-state';
import { event, filePayload, history, printing, stateBody } from './octoprint/messages';
import { printJob, startHarness, type Harness } from './moonraker/harness';

// job.filament_mm: what each platform reports about the filament a job used (docs/events.md "Filament").
const TERMINAL = ['print.done', 'print.failed', 'print.cancelled'];

describe('job.filament_mm: the merge', () => {
  it('only grows within a job, ignores garbage and implausible amounts', () => {
    let info = mergeJobInfo({ id: 'a' }, { filament_mm: 120 });
    assert.equal(info.filament_mm, 120);
    info = mergeJobInfo(info, { filament_mm: 0 });
    assert.equal(info.filament_mm, 120, 'a counter reset at the end does not take it back');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1, 2e8]) assert.equal(mergeJobInfo(info, { filament_mm: bad }).filament_mm, 120, String(bad));
    assert.equal(mergeJobInfo(info, { filament_mm: 130.5 }).filament_mm, 130.5);
    assert.equal('filament_mm' in mergeJobInfo({ id: 'b' }, { progress: 5 }), false, 'left out while unknown');
  });
});

describe('job.filament_mm: the persisted job state', () => {
  it('keeps what the open job used across a restart, so its end after the restart still carries it', () => {
    const printer = { id: 'voron', name: 'Voron', kind: 'moonraker' as const };
    const before = new JobTracker({ printer, idleAfterActive: 'cancelled' });
    before.observe({ state: 'idle' });
    before.observe({ state: 'printing', jobKey: 'j1', file: 'a.gcode', filament_mm: 450 });
    const file = JSON.parse(JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, printer, savedAt: new Date(0).toISOString(), tracker: before.snapshot() }));
    const stored = validateStateFile(file, printer);
    assert.equal(stored.tracker.job?.info.filament_mm, 450);
    const after = new JobTracker({ printer, idleAfterActive: 'cancelled' });
    after.restore(stored.tracker);
    assert.deepEqual(after.observe({ state: 'printing', jobKey: 'j1' }), [], 'the baseline after the restart: still printing');
    // then cancelled: Klipper's counter is back at 0 in standby
    const events = after.observe({ state: 'idle', filament_mm: 0 });
    assert.deepEqual(events.map((e) => [e.type, e.job?.filament_mm]), [['print.cancelled', 450]]);
  });
});

describe('job.filament_mm: Moonraker print_stats.filament_used', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('maps filament_used (mm) to 0.1 mm; 0 and garbage are not reported', () => {
    assert.equal(observationFrom({ print_stats: { state: 'printing', filament_used: 1234.5678 } }).filament_mm, 1234.6);
    assert.equal('filament_mm' in observationFrom({ print_stats: { state: 'printing', filament_used: 0 } }), false);
    for (const bad of ['12', null, -3, Number.NaN]) assert.equal(filamentMm(bad), undefined, String(bad));
  });

  it('a finished job: print.done carries what the job used', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.update({ print_stats: { filament_used: 400.04 }, virtual_sdcard: { progress: 0.5 } });
    h.fake.update({ print_stats: { filament_used: 1234.56, state: 'complete' }, virtual_sdcard: { progress: 1 } });
    const done = await h.waitForType('print.done');
    assert.equal(done.job?.filament_mm, 1234.6);
  });

  it('a cancel to standby (Klipper resets the counter in the same update) keeps the amount used', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.update({ print_stats: { filament_used: 300 } });
    await h.settle();
    h.fake.update({ print_stats: { state: 'standby', filename: '', filament_used: 0 } });
    const cancelled = await h.waitForType('print.cancelled');
    assert.equal(cancelled.job?.filament_mm, 300);
  });

  it('the next job counts from its own start, not the last job\'s amount', async () => {
    h = await startHarness();
    await printJob(h, 'a.gcode');
    h.fake.update({ print_stats: { filament_used: 5000, state: 'complete' } });
    await h.waitForType('print.done');
    await printJob(h, 'b.gcode');
    await h.waitForType('print.started', 2);
    h.fake.update({ print_stats: { filament_used: 700, state: 'complete' } });
    const second = await h.waitForType('print.done', 2);
    assert.equal(second.job?.file, 'b.gcode');
    assert.equal(second.job?.filament_mm, 700);
  });

  it('a job that ended while disconnected gets the amount from its history entry, once', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.update({ print_stats: { filament_used: 100 } });
    await h.settle();
    h.fake.dropClients();
    h.fake.update({ print_stats: { filament_used: 900.25, state: 'complete' } });
    h.fake.update({ print_stats: { state: 'standby', filename: '', filament_used: 0 } });
    const done = await h.waitForType('print.done');
    assert.equal(done.job?.filament_mm, 900.3);
    await h.waitFor(() => h!.conn.isReady);
    await h.settle(100);
    assert.equal(h.events.filter((e) => TERMINAL.includes(e.type)).length, 1);
  });
});

describe('job.filament_mm: OctoPrint job.filament (the file\'s estimate)', () => {
  const withFilament = (kind: 'history' | 'current', spec: Parameters<typeof stateBody>[0], filament: unknown): PushFrame => {
    const body = stateBody(spec) as unknown as StatePayload & { job: Record<string, unknown> };
    body.job.filament = filament;
    return parseFrame(JSON.stringify({ [kind]: body }));
  };
  const run = (frames: PushFrame[]): PrinterEvent[] => {
    const m = new OctoPrintMonitor({ printer: { id: 'op', name: 'Ender', kind: 'octoprint' } });
    m.connected();
    return frames.flatMap((f) => m.handle(f));
  };
  const twoTools = { tool0: { length: 810.04, volume: 5.3 }, tool1: { length: 200, volume: 1 } };

  it('sums the tools\' lengths; no analysis or garbage gives nothing', () => {
    assert.equal(filamentEstimateMm({ job: { filament: twoTools } } as StatePayload), 1010);
    for (const bad of [null, {}, [], 'x', { tool0: { length: 'x' } }, { tool0: { length: -1 } }, { tool0: null }]) {
      assert.equal(filamentEstimateMm({ job: { filament: bad } } as StatePayload), undefined, JSON.stringify(bad));
    }
  });

  it('goes on print.done only: not on progress, not on a cancel or failure', () => {
    const done = run([
      history({ file: null }),
      event('PrintStarted', filePayload()),
      withFilament('current', printing(10), twoTools),
      withFilament('current', printing(20), twoTools),
      event('PrintDone', filePayload({ time: 100 })),
    ]);
    assert.deepEqual(done.map((e) => e.type), ['print.started', 'print.progress', 'print.progress', 'print.done']);
    assert.deepEqual(done.map((e) => e.job?.filament_mm), [undefined, undefined, undefined, 1010]);
    const cancelled = run([history({ file: null }), event('PrintStarted', filePayload()), withFilament('current', printing(10), twoTools), event('PrintCancelled', filePayload({ user: 'alice' }))]);
    assert.equal(cancelled.at(-1)?.type, 'print.cancelled');
    assert.equal(cancelled.at(-1)?.job?.filament_mm, undefined);
    const failed = run([history({ file: null }), event('PrintStarted', filePayload()), withFilament('current', printing(10), twoTools), event('PrintFailed', filePayload({ reason: 'error', error: 'x' }))]);
    assert.equal(failed.at(-1)?.type, 'print.failed');
    assert.equal(failed.at(-1)?.job?.filament_mm, undefined);
  });

  it('a new job does not inherit the last file\'s estimate', () => {
    const events = run([
      history({ file: null }),
      event('PrintStarted', filePayload()),
      withFilament('current', printing(10), twoTools),
      event('PrintDone', filePayload({ time: 100 })),
      event('PrintStarted', filePayload({ name: 'b.gcode', path: 'b.gcode' })),
      event('PrintDone', filePayload({ name: 'b.gcode', path: 'b.gcode', time: 100 })),
    ]);
    const dones = events.filter((e) => e.type === 'print.done');
    assert.deepEqual(dones.map((e) => e.job?.filament_mm), [1010, undefined]);
  });

  it('a job followed since a connect mid-print gets the estimate from the baseline', () => {
    const events = run([withFilament('history', printing(40), { tool0: { length: 500 } }), event('PrintDone', filePayload({ time: 100 }))]);
    assert.equal(events.at(-1)?.type, 'print.done');
    assert.equal(events.at(-1)?.job?.filament_mm, 500);
  });
});
