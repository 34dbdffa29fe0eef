import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobTracker } from '../../../src/lifecycle';
import { createJobStateStore, jobStateDir, type JobStateStore, type StoredJobState } from '../../../src/state/job-state-store';

const printer = { id: 'moonraker-abc', name: 'Voron', kind: 'moonraker' as const };

describe('job-state store (src/state)', () => {
  let userDir: string;
  let dir: string;
  let warnings: string[];
  const open = (options: { key?: string; printer?: { id: string; kind: string }; throttleMs?: number } = {}): JobStateStore =>
    createJobStateStore({ dir, key: options.key ?? 'cfg1', printer: options.printer ?? printer, throttleMs: options.throttleMs, warn: (m) => warnings.push(m) });
  const file = (key = 'cfg1') => path.join(dir, `${key}.json`);

  beforeEach(() => {
    userDir = mkdtempSync(path.join(tmpdir(), 'printhooks-state-'));
    dir = jobStateDir(userDir);
    warnings = [];
  });
  afterEach(() => rmSync(userDir, { recursive: true, force: true }));

  function runningJob(): { tracker: JobTracker; state: StoredJobState } {
    const tracker = new JobTracker({ printer });
    tracker.connected();
    tracker.observe({ state: 'idle' });
    tracker.observe({ state: 'printing', jobKey: '000042', file: 'benchy.gcode', progress: 12 });
    tracker.observe({ progress: 37.5 });
    return { tracker, state: { tracker: tracker.snapshot(), source: { note: 'kept' } } };
  }

  it('lives under <userDir>/printhooks/state, one file per key, written atomically', async () => {
    const store = open();
    store.save(runningJob().state, 'now');
    await store.flush();
    assert.equal(dir, path.join(userDir, 'printhooks', 'state'));
    assert.deepEqual(readdirSync(dir), ['cfg1.json'], 'no temporary file is left behind');
    const onDisk = JSON.parse(readFileSync(file(), 'utf8')) as Record<string, unknown>;
    assert.equal(onDisk.format, 'printhooks-job-state');
    assert.equal(onDisk.version, 1);
    assert.deepEqual(onDisk.printer, { id: printer.id, kind: printer.kind });
    assert.equal((onDisk.tracker as { job: { key: string } }).job.key, '000042');
  });

  it('a new store (a restart) loads what the last one saved, and the tracker reconciles from it', async () => {
    const { state } = runningJob();
    const first = open();
    first.save(state, 'now');
    await first.close(false);

    const live = new JobTracker({ printer });
    live.restore(state.tracker);
    live.connected();
    const [expected] = live.observe({ state: 'finished', jobKey: '000042' });

    const loaded = open().load();
    assert.ok(loaded);
    assert.deepEqual(loaded.source, { note: 'kept' });
    const restarted = new JobTracker({ printer });
    restarted.restore(loaded.tracker);
    restarted.connected();
    const events = restarted.observe({ state: 'finished', jobKey: '000042' });
    assert.deepEqual(events.map((e) => e.type), ['print.done']);
    assert.equal(events[0].id, expected.id, 'the same id as it would have had live');
    assert.equal(events[0].job?.file, 'benchy.gcode');
    assert.deepEqual(restarted.observe({ state: 'finished', jobKey: '000042' }), [], 'and only once');
  });

  it('a job still running after the restart gets no second start, and progress carries on from its mark', async () => {
    const first = open();
    first.save(runningJob().state, 'now');
    await first.close(false);
    const loaded = open().load();
    assert.ok(loaded);
    const tracker = new JobTracker({ printer });
    tracker.restore(loaded.tracker);
    tracker.connected();
    assert.deepEqual(tracker.observe({ state: 'printing', jobKey: '000042', progress: 37.9 }), []);
    assert.deepEqual(tracker.observe({ progress: 38.2 }).map((e) => `${e.type}:${e.job?.progress}`), ['print.progress:38']);
  });

  it('an attention prompt or one-off error already raised is not raised again after the restart', async () => {
    const { tracker } = runningJob();
    tracker.observe({ state: 'paused', reason: 'filament_runout' });
    assert.equal(tracker.raiseAttention('filament_runout', 'Filament ran out').length, 1);
    assert.equal(tracker.raiseError({ code: 'gcode_error', message: 'Move out of range' }).length, 1);
    const first = open();
    first.save({ tracker: tracker.snapshot() }, 'now');
    await first.close(false);
    const restarted = new JobTracker({ printer });
    restarted.restore(open().load()!.tracker);
    restarted.connected();
    restarted.observe({ state: 'paused', jobKey: '000042' });
    assert.deepEqual(restarted.raiseAttention('filament_runout', 'Filament ran out'), []);
    assert.deepEqual(restarted.raiseError({ code: 'gcode_error', message: 'Move out of range' }), []);
  });

  it('throttles "soon" saves (progress marks) but writes "now" saves (edges) at once', async () => {
    const store = open({ throttleMs: 60_000 });
    const { tracker } = runningJob();
    store.save({ tracker: tracker.snapshot() }, 'now');
    await store.flush();
    tracker.observe({ progress: 80 });
    store.save({ tracker: tracker.snapshot() }, 'soon');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const mark = () => (JSON.parse(readFileSync(file(), 'utf8')) as { tracker: { job: { progressMark: number } } }).tracker.job.progressMark;
    assert.equal(mark(), 37, 'a progress mark inside the throttle period waits');
    tracker.observe({ state: 'paused' });
    store.save({ tracker: tracker.snapshot() }, 'now');
    await store.flush();
    assert.equal(mark(), 80, 'the next edge writes everything');
    assert.equal((JSON.parse(readFileSync(file(), 'utf8')) as { tracker: { state: string } }).tracker.state, 'paused');
  });

  it('a mark saved while an edge is being written waits for the throttle period too', async () => {
    const store = open({ throttleMs: 60_000 });
    const { tracker } = runningJob();
    store.save({ tracker: tracker.snapshot() }, 'now');
    tracker.observe({ progress: 81 });
    store.save({ tracker: tracker.snapshot() }, 'soon');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const mark = () => (JSON.parse(readFileSync(file(), 'utf8')) as { tracker: { job: { progressMark: number } } }).tracker.job.progressMark;
    assert.equal(mark(), 37);
    await store.flush();
    assert.equal(mark(), 81);
  });

  it('close(false) writes a pending throttled save; close(true) deletes the file (config node removed)', async () => {
    const store = open({ throttleMs: 60_000 });
    const { tracker } = runningJob();
    store.save({ tracker: tracker.snapshot() }, 'now');
    await store.flush();
    tracker.observe({ progress: 90 });
    store.save({ tracker: tracker.snapshot() }, 'soon');
    await store.close(false);
    assert.equal((JSON.parse(readFileSync(file(), 'utf8')) as { tracker: { job: { progressMark: number } } }).tracker.job.progressMark, 90);

    const again = open();
    assert.ok(again.load());
    await again.close(true);
    assert.equal(existsSync(file()), false);
    again.save({ tracker: tracker.snapshot() }, 'now');
    await again.flush();
    assert.equal(existsSync(file()), false, 'a closed store writes nothing');
  });

  const broken: Array<[string, string | (() => string)]> = [
    ['not JSON', '{"format": "printhooks-job-state", "version": 1, '],
    ['another format', JSON.stringify({ hello: 'world' })],
    ['a newer version', JSON.stringify({ format: 'printhooks-job-state', version: 2, printer, tracker: {} })],
    ['a bad job state', JSON.stringify({ format: 'printhooks-job-state', version: 1, printer, tracker: { state: 'exploded', ended: [], unsettled: [], errorCodes: [] } })],
    ['a list that is not one', JSON.stringify({ format: 'printhooks-job-state', version: 1, printer, tracker: { ended: 'x', unsettled: [], errorCodes: [] } })],
    ['a job without a key', JSON.stringify({ format: 'printhooks-job-state', version: 1, printer, tracker: { job: { info: { id: 1 }, activeSeen: true }, ended: [], unsettled: [], errorCodes: [] } })],
    ['a huge file', () => JSON.stringify({ format: 'printhooks-job-state', version: 1, printer, pad: 'x'.repeat(1_100_000) })],
  ];
  for (const [what, body] of broken) {
    it(`a file with ${what} is set aside as *.corrupt-<time> with a warning, never thrown`, () => {
      const store = open();
      mkdirSync(dir, { recursive: true });
      writeFileSync(file(), typeof body === 'function' ? body() : body);
      assert.equal(store.load(), undefined);
      assert.equal(existsSync(file()), false);
      const aside = readdirSync(dir).filter((name) => /^cfg1\.json\.corrupt-\d{4}-/.test(name));
      assert.equal(aside.length, 1, readdirSync(dir).join(','));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /is corrupt .* set aside as cfg1\.json\.corrupt-/);
      assert.match(warnings[0], /fresh baseline/);
    });
  }

  it("another printer's file (the config now points elsewhere) is set aside as foreign", async () => {
    const other = open({ printer: { id: 'moonraker-other', kind: 'moonraker' } });
    other.save(runningJob().state, 'now');
    await other.close(false);
    assert.equal(open().load(), undefined);
    assert.ok(readdirSync(dir).some((name) => name.startsWith('cfg1.json.foreign-')));
    assert.match(warnings[0], /foreign \(it belongs to printer moonraker moonraker-other/);
  });

  it('a folder it cannot write to gives one warning per cause and no exception', async () => {
    writeFileSync(path.join(userDir, 'printhooks'), 'a file where the folder should be');
    const store = open();
    const { tracker } = runningJob();
    store.save({ tracker: tracker.snapshot() }, 'now');
    await store.flush();
    store.save({ tracker: tracker.snapshot() }, 'now');
    await store.flush();
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /could not write .*cfg1\.json/);
  });

  it('a write cut short by a crash leaves the old state readable, and its temporary file is cleaned up', async () => {
    const first = open();
    first.save(runningJob().state, 'now');
    await first.close(false);
    writeFileSync(`${file()}.tmp-99999999`, '{"format":"printhooks-job-state","ver');
    const loaded = open().load();
    assert.equal(loaded?.tracker.job?.key, '000042');
    assert.deepEqual(readdirSync(dir), ['cfg1.json']);
    assert.deepEqual(warnings, []);
  });

  it('a key is made safe as a file name', async () => {
    const store = open({ key: '../../etc/passwd' });
    store.save(runningJob().state, 'now');
    await store.flush();
    assert.deepEqual(readdirSync(dir), ['.._.._etc_passwd.json']);
  });
});
