import assert from 'node:assert/strict';
import { BambuConnection } from '../../../src/sources/bambu/connection';
import { jobDetails } from '../../../src/sources/bambu/job-state';
import { BambuMonitor } from '../../../src/sources/bambu/monitor';
import { OctoPrintConnection } from '../../../src/sources/octoprint/connection';
import { OctoPrintMonitor } from '../../../src/sources/octoprint/monitor';
import { observationFrom } from '../../../src/sources/moonraker/job-state';
import { mergeReport } from '../../../src/sources/bambu/merge';
import { mergeStatus, type PrinterObjects } from '../../../src/sources/moonraker/merge';
import { MAX_JSON_DEPTH } from '../../../src/sources/bounded-json';
import { FakePrinter } from '../../fakes/bambu/fake-printer';
import { delta } from '../../fakes/bambu/reports';
import { rig, waitFor, type Rig } from './bambu/harness';

/** An object nested `levels` deep, built without recursion: {a:{a:{…}}}. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < levels; i += 1) value = { a: value };
  return value;
}

function depthOf(value: unknown): number {
  let depth = 0;
  let at = value;
  while (at && typeof at === 'object' && 'a' in at) {
    depth += 1;
    at = (at as { a: unknown }).a;
  }
  return depth;
}

// Regression tests for the two frames of issue 13 (docs/robustness.md): each once took Node-RED down.
describe('core/sources hostile frames from issue 13', () => {
  it('Bambu "gcode_start_time":"99999999999999" gives no started_at instead of throwing "Invalid time value"', () => {
    const details = jobDetails({ gcode_state: 'RUNNING', subtask_name: 'benchy', gcode_start_time: '99999999999999', mc_percent: 5 });
    assert.equal(details.started_at, undefined);
    assert.equal(details.progress, 5);
    assert.equal(jobDetails({ gcode_start_time: '1763900100' }).started_at, '2025-11-23T12:15:00.000Z');
  });

  it('a report nested 10,000 levels deep merges without exhausting the stack (Bambu and Moonraker), cut at the depth limit', () => {
    const state = mergeReport({}, { gcode_state: 'RUNNING', deep: nested(10_000), list: [nested(10_000)] });
    assert.equal(state.gcode_state, 'RUNNING');
    assert.ok(depthOf(state.deep) < MAX_JSON_DEPTH);
    const again = mergeReport(state, { deep: nested(10_000) });
    assert.ok(depthOf(again.deep) < MAX_JSON_DEPTH);

    const cache: PrinterObjects = {};
    assert.equal(mergeStatus(cache, { print_stats: { state: 'printing', info: nested(10_000) }, toolhead: { position: [[nested(10_000)]] } }), true);
    assert.equal(cache.print_stats.state, 'printing');
    assert.ok(depthOf(cache.print_stats.info) < MAX_JSON_DEPTH);
    mergeStatus(cache, { print_stats: { info: nested(10_000) } });
    assert.ok(depthOf(cache.print_stats.info) < MAX_JSON_DEPTH);
    assert.doesNotThrow(() => structuredClone(cache));
  });

  describe('through a real MQTT link (fake Bambu printer)', () => {
    let printer: FakePrinter;
    let r: Rig | undefined;
    afterEach(async () => {
      await r?.stop();
      r = undefined;
      await printer?.stop();
    });

    it('both frames are skipped or survived, and the next job is still reported exactly', async () => {
      printer = await new FakePrinter().start();
      r = rig(printer);
      await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
      printer.publish(delta({ gcode_state: 'RUNNING', subtask_name: 'poison', gcode_start_time: '99999999999999', mc_percent: 1 }));
      printer.sendRaw('{"print":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_001));
      printer.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      await waitFor(() => r!.types().includes('print.done'), 'the poisoned job ends');
      printer.publish(delta({ gcode_state: 'RUNNING', subtask_name: 'benchy', gcode_start_time: '1763900100', mc_percent: 1 }));
      printer.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      await waitFor(() => r!.events.filter((e) => e.type === 'print.done').length === 2, 'the next job ends');
      const benchy = r.events.filter((e) => e.job?.file === 'benchy').map((e) => e.type);
      assert.deepEqual(benchy.filter((t) => t === 'print.started' || t === 'print.done'), ['print.started', 'print.done']);
      // No start time from the printer: the tracker stamps when it saw the start, a real date.
      const poisoned = r.events.find((e) => e.type === 'print.started' && e.job?.file === 'poison')?.job?.started_at ?? '';
      assert.ok(Date.parse(poisoned) > Date.parse('2020-01-01') && Date.parse(poisoned) < Date.parse('2200-01-01'), poisoned);
      assert.ok(r.warnings.some((w) => w.includes(`nested deeper than ${MAX_JSON_DEPTH} levels`)), r.warnings.join('\n'));
    });
  });
});

describe('core/sources huge numbers never become Infinity in an event', () => {
  it('Bambu mc_remaining_time 1e308 minutes and Moonraker durations of 1e308 s are left out', () => {
    assert.equal(jobDetails({ gcode_state: 'RUNNING', mc_remaining_time: 1e308, mc_percent: 5 }).remaining_s, undefined);
    assert.equal(jobDetails({ gcode_state: 'RUNNING', mc_remaining_time: 2 }).remaining_s, 120);
    const obs = observationFrom({ print_stats: { state: 'printing', print_duration: 1e308, total_duration: 1e308 }, virtual_sdcard: { progress: 0.5 } });
    assert.equal(obs.remaining_s, undefined);
    assert.equal(obs.elapsed_s, 1e308, 'finite stays');
  });
});

describe('core/sources an emit that throws never reaches the event loop', () => {
  it('Bambu and OctoPrint monitors report it, also from the presence timer', async () => {
    const warnings: string[] = [];
    const bambu = new BambuConnection({ host: '127.0.0.1', serial: 'SERIAL1', accessCode: 'x', tls: { mode: 'insecure' }, warn: (m) => warnings.push(m) });
    const monitor = new BambuMonitor({ printer: { id: 'b', name: 'B', kind: 'bambu' }, connection: bambu, offlineDelayMs: 5, emit: () => { throw new Error('send broke'); } });
    monitor.baseline({ gcode_state: 'IDLE' });
    monitor.down();
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(warnings, ['bambu SERIAL1: emitting printer.online failed: send broke', 'bambu SERIAL1: emitting printer.offline failed: send broke']);
    monitor.dispose();

    const logs: string[] = [];
    const octo = new OctoPrintConnection({ url: 'http://127.0.0.1:1', apiKey: 'k', log: (_level, m) => logs.push(m) });
    const octoMonitor = new OctoPrintMonitor({ printer: { id: 'o', name: 'O', kind: 'octoprint' }, connection: octo, offlineDelayMs: 5, emit: () => { throw new Error('send broke'); } });
    octoMonitor.frame({ kind: 'current', state: { state: { flags: { operational: true } } }, raw: {} }, true);
    octoMonitor.down();
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(logs, ['OctoPrint 127.0.0.1:1: emitting printer.online failed: send broke', 'OctoPrint 127.0.0.1:1: emitting printer.offline failed: send broke']);
    octoMonitor.dispose();
  });
});
