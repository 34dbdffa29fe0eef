import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildEvent, type EventType, type JobInfo, type PrinterEvent } from '../../../src/event';
import { filamentMetres, Odometer } from '../../../src/odometer/odometer';
import { OdometerFile } from '../../../src/odometer/odometer-file';
import { parseMaintenanceRules } from '../../../src/odometer/rules';
import { tempDir } from '../delivery/tmp-dir';

// The odometer's filament_m counter fed from the terminal event's job.filament_mm (docs/maintenance.md).
const printer = { id: 'p1', name: 'Voron', kind: 'moonraker' as const };
const rules = parseMaintenanceRules('every 1 filament_m: check extruder');

function ev(type: EventType, job: JobInfo): PrinterEvent {
  return buildEvent({ type, printer, job });
}

/** Feeds an event the way the printer config node's glue does (nodes/shared/printer-odometer.ts). */
function feed(odo: Odometer, event: PrinterEvent, now = 0) {
  return odo.observe(event, now, filamentMetres(event));
}

describe('odometer: filament used', () => {
  it('reads metres from a terminal event only, and only a positive finite filament_mm', () => {
    assert.equal(filamentMetres(ev('print.done', { id: 'a', filament_mm: 1250 })), 1.25);
    assert.equal(filamentMetres(ev('print.cancelled', { id: 'a', filament_mm: 300 })), 0.3);
    assert.equal(filamentMetres(ev('print.failed', { id: 'a', filament_mm: 40 })), 0.04);
    assert.equal(filamentMetres(ev('print.progress', { id: 'a', filament_mm: 1250 })), undefined, 'counted at the end, not on the way');
    assert.equal(filamentMetres(ev('print.done', { id: 'a' })), undefined);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(filamentMetres(ev('print.done', { id: 'a', filament_mm: bad })), undefined, String(bad));
  });

  it('adds what each finished, failed or cancelled job used; a rule on filament_m fires once per crossing', () => {
    const odo = new Odometer(rules, undefined, 0);
    feed(odo, ev('print.started', { id: 'a' }));
    assert.deepEqual(feed(odo, ev('print.done', { id: 'a', filament_mm: 600 })).due, []);
    assert.equal(odo.value('filament_m'), 0.6);
    feed(odo, ev('print.started', { id: 'b' }));
    const due = feed(odo, ev('print.cancelled', { id: 'b', filament_mm: 550 })).due;
    assert.deepEqual(due, [{ task: 'check extruder', counter: 'filament_m', every: 1, value: 1.15 }]);
    feed(odo, ev('print.started', { id: 'c' }));
    assert.deepEqual(feed(odo, ev('print.failed', { id: 'c', filament_mm: 2000 })).due, [], 'not again while due');
    assert.equal(odo.value('filament_m'), 3.15);
    assert.equal(odo.value('jobs'), 1, 'only print.done is a finished job');
  });

  it('a job whose terminal event is seen again after a restart is counted once (the file remembers ended jobs)', () => {
    const first = new Odometer(rules, undefined, 0);
    feed(first, ev('print.started', { id: 'a' }));
    const done = ev('print.done', { id: 'a', filament_mm: 800 });
    feed(first, done, 1000);
    const second = new Odometer(rules, JSON.parse(JSON.stringify(first.snapshot())), 5000);
    // the same job's end again (a new run has no memory of event ids); another event id for it, too
    assert.deepEqual(feed(second, done, 6000), { due: [], changed: false });
    assert.deepEqual(feed(second, ev('print.cancelled', { id: 'a', filament_mm: 900 }), 6000), { due: [], changed: false });
    assert.equal(second.value('filament_m'), 0.8);
    assert.equal(second.value('jobs'), 1);
    feed(second, ev('print.started', { id: 'b' }), 7000);
    assert.deepEqual(feed(second, ev('print.done', { id: 'b', filament_mm: 300 }), 8000).due.map((d) => d.value), [1.1]);
  });

  it('remembers a bounded number of ended jobs', () => {
    const odo = new Odometer([], undefined, 0);
    for (let i = 0; i < 40; i++) {
      feed(odo, ev('print.started', { id: `j${i}` }));
      feed(odo, ev('print.done', { id: `j${i}`, filament_mm: 1000 }));
    }
    assert.equal(odo.value('filament_m'), 40);
    assert.ok((odo.snapshot().ended?.length ?? 0) <= 16);
    assert.equal(odo.snapshot().ended?.at(-1), 'j39');
  });

  it('an implausible amount (100 km or more) is not counted', () => {
    const odo = new Odometer(rules, undefined, 0);
    feed(odo, ev('print.started', { id: 'a' }));
    feed(odo, ev('print.done', { id: 'a', filament_mm: 1e8 }));
    assert.equal(odo.value('filament_m'), 0);
  });
});

describe('odometer file: ended jobs', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir('printhooks-odometer-filament-')));
  afterEach(() => tmp.cleanup());

  it('saves and loads the ended jobs; a file from before them loads without', async () => {
    const odo = new Odometer(rules, undefined, 0);
    feed(odo, ev('print.started', { id: 'a' }));
    feed(odo, ev('print.done', { id: 'a', filament_mm: 1500 }));
    const file = new OdometerFile(tmp.dir, 'cfg');
    file.save(odo.snapshot());
    await file.close(false);
    const loaded = new OdometerFile(tmp.dir, 'cfg').load();
    assert.deepEqual(loaded?.ended, ['a']);
    assert.equal(loaded?.filament_m, 1.5);
    fs.writeFileSync(path.join(tmp.dir, 'old.json'), '{"format":"printhooks-odometer","version":1,"print_s":0,"jobs":2,"filament_m":0,"rules":{}}');
    assert.deepEqual(new OdometerFile(tmp.dir, 'old').load(), { print_s: 0, jobs: 2, filament_m: 0, rules: {} });
  });

  it('a damaged ended list sets the file aside', async () => {
    fs.writeFileSync(path.join(tmp.dir, 'bad.json'), '{"format":"printhooks-odometer","version":1,"print_s":0,"jobs":0,"filament_m":0,"rules":{},"ended":[1]}');
    const warnings: string[] = [];
    assert.equal(new OdometerFile(tmp.dir, 'bad', (m) => warnings.push(m)).load(), undefined);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(fs.readdirSync(tmp.dir), ['bad.json.bad']);
    assert.equal(warnings.length, 1);
  });
});
