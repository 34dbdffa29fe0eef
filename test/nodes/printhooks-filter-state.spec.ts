import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { PrinterEvent } from '../../src/event';
import filterNode = require('../../nodes/printhooks-filter/printhooks-filter');
import { helper, nodeRedLine } from './helper';
import { useFilterEnv } from './support/filter-env';

// Issue 13 point 5 (docs/filter.md): milestones are kept per printer, not in a fixed-size map, and
// survive a restart through <userDir>/printhooks/filter/<node id>.json.

const FARM = 1100;
const STEP = 25;
const MILESTONES = [25, 50, 75];
/** The restart tests need many printers in the file, not the full farm. */
const SMALL_FARM = 200;

function progress(i: number, jobRun: number, percent: number): { topic: string; payload: PrinterEvent } {
  const payload: PrinterEvent = {
    id: `evt_p${i}_${jobRun}_${percent}`,
    type: 'print.progress',
    time: '2026-11-23T18:00:00.000Z',
    printer: { id: `printer-${i}`, name: `Printer ${i}`, kind: 'octoprint' },
    job: { id: `job-${i}-${jobRun}`, file: 'benchy.gcode', progress: percent },
  };
  return { topic: 'print.progress', payload };
}

function flow(): unknown[] {
  return [
    { id: 't1', type: 'tab' },
    { id: 'f1', z: 't1', type: 'printhooks-filter', events: [], rules: [], progressStep: STEP, cooldown: 0, version: 1, wires: [['out']] },
    { id: 'out', z: 't1', type: 'helper' },
  ];
}

/** Counts delivered milestones per printer + job + percent. */
function counter(): Map<string, number> {
  const seen = new Map<string, number>();
  helper.getNode('out').on('input', (input: unknown) => {
    const msg = input as { payload: PrinterEvent };
    const key = `${msg.payload.printer.id}|${msg.payload.job?.id}|${msg.payload.job?.progress}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  });
  return seen;
}

const delivered = (seen: Map<string, number>) => [...seen.values()].reduce((a, b) => a + b, 0);

/** Feeds every printer one percent value per round (interleaved, as a farm reports), yielding between rounds. */
async function feed(printers: number, percents: number[], jobRun = 1): Promise<void> {
  const f = helper.getNode('f1');
  for (const percent of percents) {
    for (let i = 0; i < printers; i += 1) f.receive(progress(i, jobRun, percent));
    await new Promise((r) => setImmediate(r));
  }
}

async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`printhooks-filter per-printer state (Node-RED ${nodeRedLine})`, function () {
  this.timeout(60_000);
  const env = useFilterEnv(200);
  const stateFile = () => env.stateFile();

  it(`${FARM} printers of one kind through one filter deliver each milestone once`, async () => {
    await helper.load([filterNode], flow() as never);
    const seen = counter();
    // two reports inside every milestone band, so a forgotten printer would pass the band's milestone twice
    await feed(FARM, MILESTONES.flatMap((m) => [m + 1, m + 5]));
    await until(`${FARM * MILESTONES.length} milestones`, () => delivered(seen) >= FARM * MILESTONES.length);
    await new Promise((r) => setTimeout(r, 100)); // room for a duplicate to show up
    assert.equal(seen.size, FARM * MILESTONES.length);
    assert.deepEqual([...new Set(seen.values())], [1], 'every milestone of every printer exactly once');
    // written while running (throttled), not only at close: what a kill -9 would leave
    await until('the state file with every printer at 75', () => {
      if (!fs.existsSync(stateFile())) return false;
      const saved = JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as { printers: Array<{ milestone: number }> };
      return saved.printers.length === FARM && saved.printers.every((p) => p.milestone === 75);
    });
  });

  it('a restart (flow closed and loaded again, same userDir) repeats no milestone and delivers the rest', async () => {
    await helper.load([filterNode], flow() as never);
    let seen = counter();
    await feed(SMALL_FARM, [26, 51]);
    await until('first half', () => delivered(seen) >= SMALL_FARM * 2);
    await helper.unload(); // close: pending marks are flushed
    const saved = JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as { printers: Array<{ printer: string; milestone: number }> };
    assert.equal(saved.printers.length, SMALL_FARM);
    assert.ok(saved.printers.every((p) => p.milestone === 50));

    await helper.load([filterNode], flow() as never);
    const before = seen;
    seen = counter();
    // after a restart a source reports the current percent again, then carries on
    await feed(SMALL_FARM, [51, 55, 76]);
    await until('second half', () => delivered(seen) >= SMALL_FARM);
    await new Promise((r) => setTimeout(r, 100));
    for (const key of seen.keys()) assert.equal(before.has(key), false, `${key} was delivered before the restart`);
    assert.equal(seen.size, SMALL_FARM, 'milestone 75 after the restart');
    assert.ok([...seen.keys()].every((k) => k.endsWith('|75')));
    assert.deepEqual([...new Set(seen.values())], [1]);
  });

  it('a new job on a printer starts over after a restart, and removing the node removes its file', async () => {
    await helper.load([filterNode], flow() as never);
    const seen = counter();
    await feed(SMALL_FARM, [55]);
    await until('milestone 50', () => delivered(seen) >= SMALL_FARM);
    await helper.unload();
    await helper.load([filterNode], flow() as never);
    const again = counter();
    await feed(SMALL_FARM, [55], 2);
    await until('the new jobs\' milestone 50', () => delivered(again) >= SMALL_FARM);
    await until('the state file', () => fs.existsSync(stateFile()));
    await helper.setFlows([{ id: 't1', type: 'tab' }] as never, 'full'); // a deploy without the filter
    await until('the state file to go', () => !fs.existsSync(stateFile()), 5000);
  });

  it('past the printer cap the printer idle the longest is forgotten, with one warning naming printerCap', async () => {
    helper.settings({ userDir: env.userDir, printhooks: { filter: { writeIntervalMs: 200, printerCap: 3 } } } as never);
    await helper.load([filterNode], flow() as never);
    const seen = counter();
    // 5 printers in turn with room for 3: each is pushed out before it reports again, so each 25 passes twice
    await feed(5, [30, 35]);
    await until('the milestones', () => delivered(seen) >= 10);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(delivered(seen), 10);
    assert.equal(seen.get('printer-0|job-0-1|25'), 2);
    const warned = (helper.getNode('f1').warn as unknown as { args: string[][] }).args.map((a) => String(a[0]));
    const capWarnings = warned.filter((w) => /printerCap/.test(w));
    assert.equal(capWarnings.length, 1, warned.join('\n'));
    assert.match(capWarnings[0], /forgot 1 idle the longest \(last "printer-0"\)/);
  });

  it('a corrupt state file is set aside with a warning naming it, and the node starts clean', async () => {
    fs.mkdirSync(path.dirname(stateFile()), { recursive: true });
    fs.writeFileSync(stateFile(), '{"format":"printhooks-filter-state","printers":[{');
    await helper.load([filterNode], flow() as never);
    const f = helper.getNode('f1');
    const warned = (f.warn as unknown as { args: string[][] }).args.map((a) => String(a[0]));
    assert.ok(warned.some((w) => /not usable.*set aside as .*f1\.json\.corrupt-/.test(w)), warned.join('\n'));
    assert.equal(fs.readdirSync(path.dirname(stateFile())).filter((n) => n.includes('.corrupt-')).length, 1);
    const seen = counter();
    f.receive(progress(0, 1, 33));
    await until('a milestone', () => delivered(seen) === 1);
    await until('the new state file', () => fs.existsSync(stateFile()));
  });
});
