// Filter benchmark (docs/filter.md, "Benchmark"): memory per printer of the per-printer marks, decisions
// per second for a 1,100-printer farm reporting every percent (interleaved), the state file's size and
// encode time, and the milestones delivered twice (must be 0). Baseline, measured in the same run: the
// same filter with milestones and cooldown off (no marks kept), i.e. type selection and rules alone.
import { type PrinterEvent } from '../src/event';
import { parseFilterConfig, type RawFilterConfig } from '../src/filter/config';
import { EventFilter } from '../src/filter/event-filter';
import { DEFAULT_PRINTER_CAP } from '../src/filter/printer-marks';
import { encodeMarks } from '../src/filter/state-codec';

const FARM = 1100;
const gc = (globalThis as { gc?: () => void }).gc;

function makeFilter(raw: RawFilterConfig): EventFilter<null> {
  const parsed = parseFilterConfig(raw, 'UTC');
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return new EventFilter<null>(parsed.config);
}

function progress(i: number, percent: number): PrinterEvent {
  return {
    id: `evt_${i}_${percent}`,
    type: 'print.progress',
    time: '2026-11-23T18:00:00.000Z',
    printer: { id: `printer-${String(i).padStart(5, '0')}`, name: `Printer ${i}`, kind: 'octoprint' },
    job: { id: `job-${i}-2026-11-23T17:00:00Z-benchy_0.2mm_PLA.gcode`, file: 'benchy.gcode', progress: percent },
  };
}

/** Every printer reports 1..99 %, one percent per round, printers interleaved. */
const farm: PrinterEvent[] = [];
for (let percent = 1; percent <= 99; percent += 1) for (let i = 0; i < FARM; i += 1) farm.push(progress(i, percent));

/** Milestones passed per printer + percent (a check, outside the timed runs). */
function passedCounts(filter: EventFilter<null>): Map<string, number> {
  const passed = new Map<string, number>();
  for (const event of farm) {
    const d = filter.decide(event, null);
    if (d.action !== 'pass') continue;
    const key = `${event.printer.id}|${d.event.job?.progress}`;
    passed.set(key, (passed.get(key) ?? 0) + 1);
  }
  return passed;
}

/** Best of five runs over the farm with a fresh filter each, in ms. */
function timed(raw: RawFilterConfig): number {
  let best = Infinity;
  for (let round = 0; round < 5; round += 1) {
    const filter = makeFilter(raw);
    const start = process.hrtime.bigint();
    for (const event of farm) filter.decide(event, null);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap bytes per printer when one filter holds the marks of `printers` printers, the id strings they
 * keep included (median of three). Enough filters are filled together that the total is far above the
 * heap's own noise; events are made during the fill, so only what the marks keep stays.
 */
function bytesPerPrinter(raw: RawFilterConfig, printers: number): number {
  const copies = Math.max(1, Math.ceil(50_000 / printers));
  const samples = [0, 1, 2].map(() => heapGrowth(raw, printers, copies) / (printers * copies));
  return samples.sort((a, b) => a - b)[1];
}

/** One fill in its own frame, so nothing of it is still reachable when the next one measures. */
function heapGrowth(raw: RawFilterConfig, printers: number, copies: number): number {
  const before = heapUsed();
  const filters = Array.from({ length: copies }, () => makeFilter(raw));
  for (const filter of filters) for (let i = 0; i < printers; i += 1) filter.decide(progress(i, 55), null);
  const after = heapUsed();
  for (const filter of filters) if (filter.marks.size !== printers) throw new Error(`expected ${printers} entries, got ${filter.marks.size}`);
  return after - before;
}

const perSecond = (ms: number) => Math.round(farm.length / (ms / 1000)).toLocaleString('en-US');

function main(): void {
  if (!gc) console.log('(run with --expose-gc, as scripts/bench.js does, for the memory figures)');
  const baseMs = timed({});
  const marksMs = timed({ progressStep: 10 });
  const bothMs = timed({ progressStep: 10, cooldown: 60 });
  console.log(`${FARM} printers x 99 % = ${farm.length.toLocaleString('en-US')} progress events, interleaved (best of 5)`);
  console.log(`  baseline (no milestones, no cooldown): ${perSecond(baseMs).padStart(12)} events/s`);
  console.log(`  milestones every 10 %:                 ${perSecond(marksMs).padStart(12)} events/s`);
  console.log(`  milestones + 60 s cooldown:            ${perSecond(bothMs).padStart(12)} events/s`);
  console.log(`  ratio milestones / baseline: ${(baseMs / marksMs).toFixed(2)}, with cooldown: ${(baseMs / bothMs).toFixed(2)} (1.00 = as fast as keeping no marks)`);
  const counts = [...passedCounts(makeFilter({ progressStep: 10 })).values()];
  const twice = counts.filter((n) => n > 1).length;
  console.log(`  milestones delivered: ${counts.length.toLocaleString('en-US')} (expected ${(FARM * 9).toLocaleString('en-US')}), delivered more than once: ${twice}`);

  for (const printers of [1_100, DEFAULT_PRINTER_CAP]) {
    const m = bytesPerPrinter({ progressStep: 10 }, printers);
    const c = bytesPerPrinter({ progressStep: 10, cooldown: 60 }, printers);
    console.log(`memory per printer at ${printers.toLocaleString('en-US')} printers: ${m.toFixed(0)} B (milestones), ${c.toFixed(0)} B (milestones + cooldown)`);
  }

  for (const printers of [FARM, DEFAULT_PRINTER_CAP]) {
    const full = makeFilter({ progressStep: 10, cooldown: 60 });
    for (let i = 0; i < printers; i += 1) full.decide(progress(i, 55), null);
    const start = process.hrtime.bigint();
    let text = '';
    for (let i = 0; i < 10; i += 1) text = encodeMarks(full.marks, Date.now(), 60_000);
    const encodeMs = Number(process.hrtime.bigint() - start) / 1e6 / 10;
    console.log(`state file at ${printers.toLocaleString('en-US')} printers: ${(text.length / 1024).toFixed(0)} KB (${(text.length / printers).toFixed(0)} B per printer), encoded in ${encodeMs.toFixed(1)} ms (written at most once a second)`);
  }
  if (twice > 0) process.exitCode = 1;
}

main();
