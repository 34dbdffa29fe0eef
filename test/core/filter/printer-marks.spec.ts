import assert from 'node:assert/strict';
import { buildEvent, type EventType, type PrinterEvent } from '../../../src/event';
import { parseFilterConfig, type RawFilterConfig } from '../../../src/filter/config';
import { EventFilter } from '../../../src/filter/event-filter';
import { PrinterMarks } from '../../../src/filter/printer-marks';

function ev(type: EventType, printerId: string, jobId: string, progress?: number): PrinterEvent {
  const job = progress === undefined ? { id: jobId } : { id: jobId, progress };
  return buildEvent({ type, printer: { id: printerId, name: printerId, kind: 'octoprint' }, job, discriminator: progress });
}

function filter(raw: RawFilterConfig, marks = new PrinterMarks()): EventFilter<unknown> {
  const parsed = parseFilterConfig(raw, 'UTC');
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return new EventFilter<unknown>(parsed.config, () => new Date('2026-11-23T12:00:00Z'), marks);
}

const passedProgress = (f: EventFilter<unknown>, e: PrinterEvent): number | undefined => {
  const d = f.decide(e, e);
  return d.action === 'pass' ? d.event.job?.progress : undefined;
};

describe('core/filter per-printer marks', () => {
  it('1,100 printers with interleaved progress each pass every milestone once (no fixed-size forgetting)', () => {
    const printers = 1100;
    const f = filter({ progressStep: 10 });
    const seen = new Map<string, number>();
    // every printer advances one percent per round, so all 1,100 jobs stay open at once
    const base = ev('print.progress', 'p', 'j', 0);
    for (let p = 1; p <= 99; p += 2) {
      for (let i = 0; i < printers; i += 1) {
        const e = { ...base, printer: { ...base.printer, id: `p${i}` }, job: { id: `job-${i}`, progress: p } };
        const m = passedProgress(f, e);
        if (m !== undefined) seen.set(`p${i}:${m}`, (seen.get(`p${i}:${m}`) ?? 0) + 1);
      }
    }
    assert.equal(seen.size, printers * 9, 'milestones 10..90 of every printer');
    assert.deepEqual([...new Set(seen.values())], [1], 'each exactly once');
    assert.equal(f.marks.size, printers, 'one entry per printer');
  });

  it('a new job starts over; the old job\'s late progress after its end does not pass', () => {
    const f = filter({ progressStep: 25 });
    assert.equal(passedProgress(f, ev('print.progress', 'p1', 'j1', 60)), 50);
    f.decide(ev('print.done', 'p1', 'j1'), null);
    assert.equal(passedProgress(f, ev('print.progress', 'p1', 'j1', 80)), undefined, 'j1 has ended');
    f.decide(ev('print.started', 'p1', 'j2'), null);
    assert.equal(passedProgress(f, ev('print.progress', 'p1', 'j2', 30)), 25);
    assert.deepEqual(f.marks.peek('p1'), { job: 'j2', milestone: 25, ended: false });
  });

  it('follows job ends it does not pass (events selected: progress only)', () => {
    const f = filter({ progressStep: 50, events: ['print.progress'] });
    assert.equal(passedProgress(f, ev('print.progress', 'p1', 'j1', 55)), 50);
    assert.equal(f.decide(ev('print.cancelled', 'p1', 'j1'), null).action, 'block');
    assert.equal(f.marks.peek('p1')?.ended, true);
  });

  it('a progress event whose new job id is first seen starts that job\'s marks', () => {
    const f = filter({ progressStep: 50 });
    assert.equal(passedProgress(f, ev('print.progress', 'p1', 'j1', 70)), 50);
    assert.equal(passedProgress(f, ev('print.progress', 'p1', 'j2', 70)), 50);
    assert.equal(f.marks.size, 1, 'still one entry for the printer');
  });

  it('the safety cap forgets only the printer idle the longest, and says which', () => {
    const evicted: string[] = [];
    const f = filter({ progressStep: 50 }, new PrinterMarks({ cap: 3, onEvict: (id) => evicted.push(id) }));
    for (const id of ['a', 'b', 'c']) passedProgress(f, ev('print.progress', id, 'j', 10));
    passedProgress(f, ev('print.progress', 'a', 'j', 20)); // a is active again: b is now idle the longest
    passedProgress(f, ev('print.progress', 'd', 'j', 10));
    assert.deepEqual(evicted, ['b']);
    assert.deepEqual([...f.marks.entries()].map(([id]) => id), ['c', 'a', 'd']);
  });

  it('cooldown stamps live in the printer entry and survive a job change', () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const parsed = parseFilterConfig({ cooldown: 60 }, 'UTC');
    if (!parsed.ok) throw new Error('config');
    const f = new EventFilter<unknown>(parsed.config, () => new Date(now));
    assert.equal(f.decide(ev('print.started', 'p1', 'j1'), null).action, 'pass');
    assert.equal(f.decide(ev('print.done', 'p1', 'j1'), null).action, 'pass');
    assert.equal(f.decide(ev('print.started', 'p1', 'j2'), null).action, 'block', 'inside the window');
    now += 60_000;
    assert.equal(f.decide(ev('print.started', 'p1', 'j3'), null).action, 'pass');
    assert.equal(f.marks.peek('p1')?.cooldown?.size, 1);
  });

  it('hostile printer and job ids (objects, __proto__) are plain keys and never throw', () => {
    const f = filter({ progressStep: 50, cooldown: 5 });
    const odd = { ...ev('print.progress', '__proto__', 'j', 60), printer: { id: { nested: true } as never, name: 'x', kind: 'test' as const } };
    assert.equal(f.decide(odd, null).action, 'pass');
    assert.equal(passedProgress(f, ev('print.progress', '__proto__', 'constructor', 60)), 50);
    assert.equal(f.marks.size, 2);
  });

  it('keeps no entries when neither milestones nor cooldown are on', () => {
    const f = filter({});
    for (let i = 0; i < 50; i += 1) f.decide(ev('print.progress', `p${i}`, 'j', i), null);
    assert.equal(f.marks.size, 0);
  });
});
