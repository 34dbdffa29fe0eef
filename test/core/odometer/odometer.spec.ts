import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildEvent, type EventType, type PrinterEvent } from '../../../src/event';
import { Odometer } from '../../../src/odometer/odometer';
import { OdometerFile } from '../../../src/odometer/odometer-file';
import { MaintenanceRuleError, parseMaintenanceRules } from '../../../src/odometer/rules';
import { tempDir } from '../delivery/tmp-dir';

const printer = { id: 'p1', name: 'Voron', kind: 'moonraker' as const };
const H = 3600 * 1000;

function ev(type: EventType, jobId: string, extra: Partial<Parameters<typeof buildEvent>[0]> = {}, discriminator?: string | number): PrinterEvent {
  return buildEvent({ type, printer, job: { id: jobId, ...(extra.job ?? {}) }, discriminator, ...extra });
}

describe('maintenance rules', () => {
  it('reads one rule per line, ignoring blank lines and # comments', () => {
    const rules = parseMaintenanceRules('# service plan\nevery 200 print_hours: lubricate rods\n\n  every 50 jobs:clean bed  \nEVERY 1000.5 filament_m: check nozzle');
    assert.deepEqual(rules.map(({ every, counter, task }) => ({ every, counter, task })), [
      { every: 200, counter: 'print_hours', task: 'lubricate rods' },
      { every: 50, counter: 'jobs', task: 'clean bed' },
      { every: 1000.5, counter: 'filament_m', task: 'check nozzle' },
    ]);
    assert.deepEqual(parseMaintenanceRules(''), []);
    assert.deepEqual(parseMaintenanceRules(undefined), []);
  });

  for (const [text, message] of [
    ['every 200 hours: lubricate', 'maintenance line 1: "hours" is not a counter; use print_hours, jobs or filament_m'],
    ['\nevery -5 jobs: x', 'maintenance line 2: "-5" is not a positive number (e.g. every 200 print_hours: …)'],
    ['every 0 jobs: x', 'maintenance line 1: "0" is not a positive number (e.g. every 200 print_hours: …)'],
    ['every 1e3 jobs: x', 'maintenance line 1: "1e3" is not a positive number (e.g. every 200 print_hours: …)'],
    ['lubricate rods every 200 hours', 'maintenance line 1: write it as "every 200 print_hours: lubricate rods"'],
    ['every 5 jobs:   ', 'maintenance line 1: say what to do after the colon (e.g. …: clean bed)'],
    ['every 5 jobs: a\nevery 5 jobs: a', 'maintenance line 2: the same rule is written twice; remove one'],
  ] as const) {
    it(`rejects ${JSON.stringify(text)} naming the line and the fix`, () => {
      assert.throws(() => parseMaintenanceRules(text), (err: Error) => err instanceof MaintenanceRuleError && err.message === message);
    });
  }

  it('bounds the field: 50 rules, 10 000 characters, 200-character tasks', () => {
    const many = Array.from({ length: 51 }, (_, i) => `every ${i + 1} jobs: t${i}`).join('\n');
    assert.throws(() => parseMaintenanceRules(many), /more than 50 rules/);
    assert.throws(() => parseMaintenanceRules('#'.repeat(10_001)), /longer than 10000/);
    assert.throws(() => parseMaintenanceRules(`every 1 jobs: ${'x'.repeat(201)}`), /longer than 200/);
  });
});

describe('odometer', () => {
  const rules = parseMaintenanceRules('every 2 jobs: clean bed\nevery 3 print_hours: lubricate rods');

  it('times print hours from started to the terminal event, without paused time, and counts only print.done as a job', () => {
    const odo = new Odometer(rules, undefined, 0);
    odo.observe(ev('print.started', 'j1'), 0);
    odo.observe(ev('print.paused', 'j1'), 1 * H);
    odo.observe(ev('print.resumed', 'j1'), 5 * H);
    const done = odo.observe(ev('print.done', 'j1'), 5.5 * H);
    assert.equal(odo.value('print_hours'), 1.5);
    assert.equal(odo.value('jobs'), 1);
    assert.deepEqual(done.due, []);
    odo.observe(ev('print.started', 'j2'), 6 * H);
    odo.observe(ev('print.failed', 'j2'), 7 * H);
    assert.equal(odo.value('jobs'), 1, 'a failed job is not a finished job');
    assert.equal(odo.value('print_hours'), 2.5, 'but its hours count');
  });

  it('announces a crossed rule once, not again until reset, and again at the next crossing after reset', () => {
    const odo = new Odometer(rules, undefined, 0);
    const dues: string[] = [];
    let t = 0;
    const job = (id: string, hours: number) => {
      dues.push(...odo.observe(ev('print.started', id), t).due.map((d) => `${d.task}@${d.value}`));
      t += hours * H;
      dues.push(...odo.observe(ev('print.done', id), t).due.map((d) => `${d.task}@${d.value}`));
    };
    job('a', 1);
    job('b', 1);
    assert.deepEqual(dues, ['clean bed@2']);
    job('c', 1.5);
    job('d', 0.1);
    assert.deepEqual(dues, ['clean bed@2', 'lubricate rods@3.5'], 'clean bed stays due, not repeated at 4 jobs');
    assert.deepEqual(odo.reset('Clean Bed'), ['clean bed']);
    job('e', 0.1);
    assert.equal(dues.length, 2);
    job('f', 0.1);
    assert.deepEqual(dues.slice(2), ['clean bed@6']);
    assert.deepEqual(odo.reset('nothing like it'), []);
    assert.deepEqual(odo.reset('*').sort(), ['clean bed', 'lubricate rods']);
  });

  it('counts the same event id once (two source nodes on one printer)', () => {
    const odo = new Odometer(rules, undefined, 0);
    const started = ev('print.started', 'a');
    const done = ev('print.done', 'a');
    odo.observe(started, 0);
    odo.observe(started, 0);
    odo.observe(done, H);
    odo.observe(done, H);
    assert.equal(odo.value('jobs'), 1);
    assert.equal(odo.value('print_hours'), 1);
  });

  it('a restart mid-print does not count the downtime; a reported elapsed time at the end raises the job to it', () => {
    const first = new Odometer(rules, undefined, 0);
    first.observe(ev('print.started', 'a'), 0);
    first.observe(ev('print.progress', 'a', { job: { id: 'a', progress: 10 } }, 10), 0.5 * H);
    const saved = first.snapshot();
    const second = new Odometer(rules, saved, 10 * H);
    second.observe(ev('print.done', 'a'), 10.5 * H);
    assert.equal(second.value('print_hours'), 1, 'the 9.5 h down are not counted');
    const third = new Odometer(rules, undefined, 0);
    third.observe(ev('print.started', 'b'), 0);
    third.observe(ev('print.done', 'b', { job: { id: 'b', elapsed_s: 7200 } }), 0.5 * H);
    assert.equal(third.value('print_hours'), 2);
  });

  it('a rule added later counts from when it was added; a removed rule is forgotten', () => {
    const odo = new Odometer([], undefined, 0);
    for (const id of ['a', 'b', 'c']) {
      odo.observe(ev('print.started', id), 0);
      odo.observe(ev('print.done', id), 0);
    }
    odo.setRules(rules);
    odo.observe(ev('print.started', 'd'), 0);
    assert.deepEqual(odo.observe(ev('print.done', 'd'), 0).due, []);
    odo.observe(ev('print.started', 'e'), 0);
    assert.deepEqual(odo.observe(ev('print.done', 'e'), 0).due.map((d) => d.value), [5]);
    odo.setRules([]);
    assert.deepEqual(odo.snapshot().rules, {});
  });
});

describe('odometer file', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir('printhooks-odometer-')));
  afterEach(() => tmp.cleanup());

  it('saves atomically and loads what it saved; removal deletes it', async () => {
    const file = new OdometerFile(tmp.dir, 'cfg-1');
    const odo = new Odometer(parseMaintenanceRules('every 1 jobs: x'), undefined, 0);
    odo.observe(ev('print.started', 'a'), 0);
    odo.observe(ev('print.done', 'a'), H);
    file.save(odo.snapshot());
    file.save(odo.snapshot());
    await file.close(false);
    assert.deepEqual(new OdometerFile(tmp.dir, 'cfg-1').load(), odo.snapshot());
    assert.deepEqual(fs.readdirSync(tmp.dir), ['cfg-1.json']);
    await new OdometerFile(tmp.dir, 'cfg-1').close(true);
    assert.deepEqual(fs.readdirSync(tmp.dir), []);
  });

  it('sets a damaged file aside and starts at zero, warning without a path', async () => {
    fs.writeFileSync(path.join(tmp.dir, 'cfg-2.json'), '{"format":"printhooks-odometer","version":1,"print_s":-1}');
    const warnings: string[] = [];
    assert.equal(new OdometerFile(tmp.dir, 'cfg-2', (m) => warnings.push(m)).load(), undefined);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(fs.readdirSync(tmp.dir), ['cfg-2.json.bad']);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].includes(tmp.dir), false);
  });
});
