import assert from 'node:assert/strict';
import { eventId, type PrinterEvent } from '../../src/event';
import { JobTracker, type Observation, type TrackerOptions } from '../../src/lifecycle';

const printer = { id: 'p1', name: 'Ender', kind: 'octoprint' as const };

type Step = Observation | 'connect' | 'disconnect' | { settle: string; outcome: 'finished' | 'failed' | 'cancelled' };

interface Case {
  name: string;
  options?: Partial<TrackerOptions>;
  steps: Step[];
  /** The event types emitted over the whole run, in order, as "type" or "type:detail". */
  expect: string[];
}

function describeEvent(e: PrinterEvent): string {
  if (e.type === 'print.progress') return `${e.type}:${e.job?.progress}`;
  if (e.type === 'print.layer') return `${e.type}:${e.job?.layer}`;
  if (e.type === 'printer.error') return `${e.type}:${e.error?.code}`;
  return e.type;
}

function run(c: Pick<Case, 'options' | 'steps'>): PrinterEvent[] {
  const tracker = new JobTracker({ printer, now: () => new Date('2026-11-23T18:00:00Z'), ...c.options });
  const out: PrinterEvent[] = [];
  for (const step of c.steps) {
    if (step === 'connect') tracker.connected();
    else if (step === 'disconnect') tracker.disconnected();
    else if ('settle' in step) out.push(...tracker.settle(step.settle, step.outcome));
    else out.push(...tracker.observe(step));
  }
  return out;
}

const idle: Observation = { state: 'idle' };
const printing = (jobKey = 'j1', extra: Observation = {}): Observation => ({ state: 'printing', jobKey, file: 'benchy.gcode', ...extra });

const cases: Case[] = [
  { name: 'first observation after connect is a baseline (idle)', steps: ['connect', idle], expect: [] },
  { name: 'an idle printer still reporting a finished job produces nothing', steps: ['connect', { state: 'finished', jobKey: 'old' }, { state: 'finished', jobKey: 'old' }], expect: [] },
  { name: 'a printer already printing at connect is a baseline, not a start', steps: ['connect', printing('j1', { progress: 40 })], expect: [] },
  { name: 'a normal job: start, done', steps: ['connect', idle, printing(), { state: 'finished' }], expect: ['print.started', 'print.done'] },
  { name: 'repeated reports fire nothing new (edges only)', steps: ['connect', idle, printing(), printing(), printing(), { state: 'finished' }, { state: 'finished' }, idle], expect: ['print.started', 'print.done'] },
  { name: 'pause and resume', steps: ['connect', idle, printing(), { state: 'paused', reason: 'user' }, { state: 'printing' }, { state: 'finished' }], expect: ['print.started', 'print.paused', 'print.resumed', 'print.done'] },
  { name: 'a cancel is never also a failure', steps: ['connect', idle, printing(), { state: 'cancelled' }, { state: 'failed', error: { message: 'cancelled' } }], expect: ['print.started', 'print.cancelled'] },
  { name: 'exactly one terminal event per job', steps: ['connect', idle, printing(), { state: 'failed', error: { message: 'x' } }, { state: 'finished' }, { state: 'cancelled' }], expect: ['print.started', 'print.failed'] },
  { name: 'active → idle is a cancel by default (Moonraker standby, Bambu RUNNING→IDLE)', steps: ['connect', idle, printing(), idle], expect: ['print.started', 'print.cancelled'] },
  { name: 'active → idle means nothing where the platform reports ends as events', options: { idleAfterActive: 'nothing' }, steps: ['connect', idle, printing(), idle], expect: ['print.started'] },
  { name: 'progress once per whole percent crossed', steps: ['connect', idle, printing('j1', { progress: 0 }), printing('j1', { progress: 0.5 }), printing('j1', { progress: 1.2 }), printing('j1', { progress: 1.9 }), printing('j1', { progress: 2.0 })], expect: ['print.started', 'print.progress:1', 'print.progress:2'] },
  { name: 'a progress jump emits the highest crossed value once', steps: ['connect', idle, printing('j1', { progress: 3 }), printing('j1', { progress: 47.3 })], expect: ['print.started', 'print.progress:47'] },
  { name: 'progress never emits 0 or 100', steps: ['connect', idle, printing('j1', { progress: 0 }), printing('j1', { progress: 99.5 }), printing('j1', { progress: 100 }), { state: 'finished', progress: 100 }], expect: ['print.started', 'print.progress:99', 'print.done'] },
  { name: 'progress going backwards emits nothing', steps: ['connect', idle, printing('j1', { progress: 10 }), printing('j1', { progress: 20 }), printing('j1', { progress: 15 }), printing('j1', { progress: 20.5 })], expect: ['print.started', 'print.progress:20'] },
  { name: 'progress at baseline is a mark, not an event', steps: ['connect', printing('j1', { progress: 40.2 }), printing('j1', { progress: 40.9 }), printing('j1', { progress: 41 })], expect: ['print.progress:41'] },
  { name: 'layer fires when it increases', steps: ['connect', idle, printing('j1', { layer: 1 }), printing('j1', { layer: 1 }), printing('j1', { layer: 2 }), printing('j1', { layer: 5 }), printing('j1', { layer: 4 })], expect: ['print.started', 'print.layer:2', 'print.layer:5'] },
  { name: 'a new job starts progress and layers over', steps: ['connect', idle, printing('j1', { progress: 50, layer: 9 }), { state: 'finished' }, idle, printing('j2', { progress: 0, layer: 1 }), printing('j2', { progress: 1, layer: 2 })], expect: ['print.started', 'print.done', 'print.started', 'print.progress:1', 'print.layer:2'] },
  { name: 'reconnect: a job that ended meanwhile gets its one terminal event', steps: ['connect', idle, printing('j1', { progress: 60 }), 'disconnect', 'connect', { state: 'finished', jobKey: 'j1' }, { state: 'finished', jobKey: 'j1' }], expect: ['print.started', 'print.done'] },
  { name: 'reconnect: a job that did not end gets nothing', steps: ['connect', idle, printing('j1', { progress: 60 }), 'disconnect', 'connect', printing('j1', { progress: 70 })], expect: ['print.started'] },
  { name: 'reconnect: progress is not replayed after the gap', steps: ['connect', idle, printing('j1', { progress: 60 }), 'disconnect', 'connect', printing('j1', { progress: 70 }), printing('j1', { progress: 71 })], expect: ['print.started', 'print.progress:71'] },
  { name: 'reconnect: a job that ended meanwhile (idle now) is settled from history once', steps: ['connect', idle, printing('j1'), 'disconnect', 'connect', idle, { settle: 'j1', outcome: 'finished' }, { settle: 'j1', outcome: 'finished' }], expect: ['print.started', 'print.done'] },
  { name: 'history and live state never both fire the terminal', steps: ['connect', idle, printing('j1'), { state: 'finished' }, { settle: 'j1', outcome: 'finished' }], expect: ['print.started', 'print.done'] },
  { name: 'settle ignores a job never seen active', steps: ['connect', idle, { settle: 'unknown', outcome: 'failed' }], expect: [] },
  { name: 'reconnect: a new job that started meanwhile gets its start', steps: ['connect', idle, printing('j1'), 'disconnect', 'connect', printing('j2')], expect: ['print.started', 'print.started'] },
  { name: 'errors present at the very first connect are a baseline', steps: ['connect', { state: 'idle', errors: [{ code: 'E1', message: 'x' }] }, { errors: [{ code: 'E1', message: 'x' }] }], expect: [] },
  { name: 'each new error fires once; a cleared error can fire again', steps: ['connect', idle, { errors: [{ code: 'E1', message: 'x' }] }, { errors: [{ code: 'E1', message: 'x' }, { code: 'E2', message: 'y' }] }, { errors: [] }, { errors: [{ code: 'E1', message: 'x' }] }], expect: ['printer.error:E1', 'printer.error:E2', 'printer.error:E1'] },
  { name: 'a paused job at start gives start and pause', steps: ['connect', idle, { state: 'paused', jobKey: 'j1' }], expect: ['print.started', 'print.paused'] },
  { name: 'bed_cooled fires once after a job, when the bed falls below 35 °C', steps: ['connect', { state: 'idle', bedTemp: 20 }, printing('j1', { bedTemp: 60 }), { state: 'finished', bedTemp: 60 }, { bedTemp: 40 }, { state: 'idle', bedTemp: 34 }, { bedTemp: 30 }], expect: ['print.started', 'print.done', 'printer.bed_cooled'] },
  { name: 'bed_cooled never fires for a bed that was already cold at connect', steps: ['connect', { state: 'finished', jobKey: 'old', bedTemp: 22 }, { bedTemp: 21 }], expect: [] },
  { name: 'bed_cooled is dropped when the next job starts first', steps: ['connect', idle, printing('j1', { bedTemp: 60 }), { state: 'finished' }, printing('j2', { bedTemp: 60 }), { bedTemp: 20 }], expect: ['print.started', 'print.done', 'print.started'] },
  { name: 'bed_cooled can be switched off', options: { bedCooledBelow: 0 }, steps: ['connect', idle, printing('j1', { bedTemp: 60 }), { state: 'finished', bedTemp: 20 }, { bedTemp: 19 }], expect: ['print.started', 'print.done'] },
  { name: 'a late report of an ended job does not restart it', steps: ['connect', idle, printing('j1'), { state: 'finished' }, printing('j1')], expect: ['print.started', 'print.done'] },
];

describe('core/lifecycle JobTracker', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(run(c).map(describeEvent), c.expect);
    });
  }

  it('events carry the job and deterministic ids', () => {
    const [started, done] = run({ steps: ['connect', idle, printing('j9', { progress: 0 }), { state: 'finished', progress: 100 }] });
    assert.equal(started.job?.id, 'j9');
    assert.equal(started.job?.file, 'benchy.gcode');
    assert.equal(started.id, eventId('p1', 'j9', 'print.started'));
    assert.equal(done.id, eventId('p1', 'j9', 'print.done'));
    assert.equal(done.job?.progress, 100);
    assert.equal(started.printer.name, 'Ender');
  });

  it('the same event seen by a fresh tracker (restart) gets the same id', () => {
    const a = run({ steps: ['connect', idle, printing('j1', { progress: 10 }), printing('j1', { progress: 20 })] });
    const b = run({ steps: ['connect', idle, printing('j1', { progress: 10 }), printing('j1', { progress: 20 })] });
    assert.deepEqual(a.map((e) => e.id), b.map((e) => e.id));
  });

  it('failed carries the error and reason; done carries neither', () => {
    const events = run({ steps: ['connect', idle, printing(), { state: 'failed', error: { code: 'E7', message: 'heater' }, reason: 'error' }] });
    const failed = events.find((e) => e.type === 'print.failed');
    assert.deepEqual(failed?.error, { code: 'E7', message: 'heater' });
    assert.equal(failed?.reason, 'error');
  });

  it('raw is attached only when asked for', () => {
    const without = run({ steps: ['connect', idle, printing('j1', { raw: { a: 1 } })] });
    const withRaw = run({ options: { includeRaw: true }, steps: ['connect', idle, printing('j1', { raw: { a: 1 } })] });
    assert.equal(without[0].raw, undefined);
    assert.deepEqual(withRaw[0].raw, { a: 1 });
  });

  it('raiseError fires each distinct error once per job', () => {
    const t = new JobTracker({ printer });
    t.connected();
    t.observe(idle);
    t.observe(printing('j1'));
    assert.equal(t.raiseError({ code: 'X', message: 'm' }).length, 1);
    assert.equal(t.raiseError({ code: 'X', message: 'm' }).length, 0);
    assert.equal(t.raiseError({ message: 'other' }).length, 1);
  });

  it('raiseAttention fires once per reason per pause', () => {
    const t = new JobTracker({ printer });
    t.connected();
    t.observe(idle);
    t.observe(printing('j1'));
    t.observe({ state: 'paused' });
    const first = t.raiseAttention('filament_runout', 'Runout');
    assert.equal(first.length, 1);
    assert.equal(first[0].reason, 'filament_runout');
    assert.equal(t.raiseAttention('filament_runout').length, 0);
    t.observe({ state: 'printing' });
    t.observe({ state: 'paused' });
    assert.equal(t.raiseAttention('filament_runout').length, 1);
  });

  it('snapshot and restore keep the reconcile working across a restart', () => {
    const a = new JobTracker({ printer });
    a.connected();
    a.observe(idle);
    a.observe(printing('j1'));
    const b = new JobTracker({ printer });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    assert.deepEqual(b.observe({ state: 'finished', jobKey: 'j1' }).map((e) => e.type), ['print.done']);
    assert.deepEqual(b.observe({ state: 'finished', jobKey: 'j1' }), []);
  });

  it('remembers a bounded number of ended jobs', () => {
    const t = new JobTracker({ printer, memory: 10 });
    t.connected();
    t.observe(idle);
    for (let i = 0; i < 100; i += 1) {
      t.observe(printing(`j${i}`));
      t.observe({ state: 'finished' });
    }
    assert.ok(t.snapshot().ended.length <= 10);
  });
});
