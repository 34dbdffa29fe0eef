// Conformance over the shared Moonraker fixtures (docs examples and authored sequences), read at run
// time from ../shared/fixtures/moonraker; nothing from there is copied into the repo.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseFrame } from '../../src/sources/moonraker/jsonrpc';
import { mergeStatus, type PrinterObjects } from '../../src/sources/moonraker/merge';
import { subscriptionFor } from '../../src/sources/moonraker/objects';
import { historyOutcome, observationFrom } from '../../src/sources/moonraker/job-state';
import { probeMoonraker } from '../../src/sources/moonraker/probe';
import { startHarness, type Harness } from '../core/sources/moonraker/harness';

const repoRoot = path.resolve(__dirname, '..', '..');
const dir = path.join(process.env.PRINTHOOKS_SHARED_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures'), 'moonraker');

function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as T;
}

type Message = Record<string, unknown>;
interface Sequence {
  messages: Message[];
}

/** Plays a sequence: the subscribe result (or a given baseline) is the fake's state, the rest arrives as frames. */
async function play(name: string, options: { baseline?: PrinterObjects; historyJob?: Record<string, unknown> } = {}): Promise<Harness> {
  const seq = fixture<Sequence>(name);
  const first = seq.messages[0];
  const hasResult = 'result' in first;
  const baseline = hasResult ? ((first.result as Record<string, unknown>).status as PrinterObjects) : options.baseline!;
  const h = await startHarness({
    monitor: { historyWaitMs: 50 },
    prepare: (fake) => {
      fake.objects = structuredClone(baseline);
      if (options.historyJob) fake.history.push(options.historyJob);
    },
  });
  for (const message of seq.messages.slice(hasResult ? 1 : 0)) {
    h.fake.sendRaw(JSON.stringify(message));
    await h.settle(20);
  }
  await h.settle(150);
  return h;
}

describe('moonraker conformance (shared fixtures)', function () {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('parses the documented JSON-RPC envelopes', () => {
    const err = parseFrame(JSON.stringify(fixture('jsonrpc.error.response.json')));
    assert.deepEqual(err, { kind: 'response', id: 354, error: { code: 36000, message: 'Error Message' } });
    const ok = parseFrame(JSON.stringify(fixture('jsonrpc.printer.info.response.json')));
    assert.equal(ok.kind === 'response' && ok.id, 5153);
    for (const name of ['notify_klippy_ready.json', 'notify_klippy_shutdown.json', 'notify_klippy_disconnected.json', 'notify_gcode_response.json', 'notify_status_update.json']) {
      assert.equal(parseFrame(JSON.stringify(fixture(name))).kind, 'notification', name);
    }
    const added = parseFrame(JSON.stringify(fixture('notify_history_changed.added.json')));
    assert.equal(added.kind === 'notification' && (added.params[0] as { job: { job_id: string } }).job.job_id, '000027');
  });

  it('deep-merges the documented status diff into the documented subscribe result', () => {
    const cache: PrinterObjects = {};
    mergeStatus(cache, fixture<{ status: unknown }>('printer.objects.subscribe.result.json').status);
    mergeStatus(cache, (fixture<{ params: unknown[] }>('notify_status_update.json').params)[0]);
    assert.equal(cache.gcode_move.speed, 1500);
    assert.equal(cache.gcode_move.speed_factor, 1);
    assert.equal(cache.toolhead.status, 'Ready');
    assert.deepEqual(cache.toolhead.position, [0, 0, 0, 0]);
  });

  it('subscribes to the documented object list: core objects and the filament sensor', () => {
    const objects = subscriptionFor(fixture<{ objects: string[] }>('printer.objects.list.result.json').objects);
    for (const name of ['print_stats', 'virtual_sdcard', 'display_status', 'webhooks', 'pause_resume', 'idle_timeout', 'extruder', 'heater_bed', 'filament_switch_sensor extruder_sensor']) {
      assert.ok(name in objects, name);
    }
    assert.equal('fan' in objects, false);
  });

  it('maps the documented printer objects and history entries', () => {
    const obs = observationFrom({
      print_stats: fixture('printer-object.print_stats.json'),
      virtual_sdcard: fixture('printer-object.virtual_sdcard.json'),
    });
    assert.equal(obs.state, 'idle');
    assert.equal(obs.layer, undefined);
    assert.equal(obs.file, undefined);
    assert.equal(obs.progress, 0);
    const paused = observationFrom({ print_stats: { state: 'paused' }, 'filament_switch_sensor s': fixture('printer-object.filament_switch_sensor.json') });
    assert.equal(paused.reason, 'filament_runout');
    const jobs = fixture<{ jobs: Array<{ status: string }> }>('server.history.list.result.json').jobs;
    assert.deepEqual(historyOutcome(jobs[0].status), { outcome: 'finished' });
    assert.deepEqual(historyOutcome(fixture<{ job: { status: string } }>('server.history.get_job.result.json').job.status), { outcome: 'finished' });
  });

  it('sequence.print-complete: one start, pause, resume, layers, progress and one done under the history id', async () => {
    h = await play('sequence.print-complete.authored.json', {
      historyJob: { job_id: '00002A', filename: '3DBenchy_0.2mm_PLA_1h4m.gcode', status: 'in_progress' },
    });
    const lifecycle = h.types().filter((t) => ['print.started', 'print.paused', 'print.resumed', 'print.done', 'print.failed', 'print.cancelled'].includes(t));
    assert.deepEqual(lifecycle, ['print.started', 'print.paused', 'print.resumed', 'print.done']);
    const done = h.events.find((e) => e.type === 'print.done')!;
    assert.equal(done.job?.id, '00002A');
    assert.equal(done.job?.file, '3DBenchy_0.2mm_PLA_1h4m.gcode');
    assert.deepEqual(h.events.filter((e) => e.type === 'print.layer').map((e) => e.job?.layer), [58]);
    const progress = h.events.filter((e) => e.type === 'print.progress').map((e) => e.job?.progress);
    assert.deepEqual(progress, [1, 24]);
  });

  it('sequence.reconnect-mid-print-cancelled: no start for the running job, one cancel, never a failure', async () => {
    h = await play('sequence.reconnect-mid-print-cancelled.authored.json', {
      historyJob: { job_id: '00002B', filename: 'calibration/cube_20mm.gcode', status: 'in_progress' },
    });
    assert.equal(h.types().includes('print.started'), false);
    assert.equal(h.types().includes('print.failed'), false);
    const cancelled = h.events.filter((e) => e.type === 'print.cancelled');
    assert.equal(cancelled.length, 1);
    assert.equal(cancelled[0].job?.id, '00002B');
    assert.deepEqual(h.events.filter((e) => e.type === 'print.layer').map((e) => e.job?.layer), [38]);
  });

  it('sequence.print-error: the !! line is printer.error, the error state one print.failed with its text', async () => {
    const baseline: PrinterObjects = {
      webhooks: { state: 'ready', state_message: 'Printer is ready' },
      print_stats: { filename: 'bracket_v3.gcode', state: 'printing', total_duration: 630, print_duration: 500, message: '', info: { total_layer: 180, current_layer: 21 } },
      virtual_sdcard: { progress: 0.15, file_position: 290000, is_active: true },
    };
    h = await play('sequence.print-error.authored.json', { baseline, historyJob: { job_id: '00002C', filename: 'bracket_v3.gcode', status: 'in_progress' } });
    const text = 'Move out of range: 251.200 120.000 4.400 [1024.550]';
    assert.deepEqual(h.events.filter((e) => e.type === 'printer.error').map((e) => e.error?.message), [text]);
    const failed = h.events.filter((e) => e.type === 'print.failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].error?.message, text);
    assert.equal(failed[0].job?.id, '00002C');
  });

  it('idle-after-complete subscribe result: nothing but printer.online', async () => {
    const status = fixture<{ status: PrinterObjects }>('printer.objects.subscribe.result.idle-after-complete.authored.json').status;
    h = await startHarness({ prepare: (fake) => (fake.objects = structuredClone(status)) });
    await h.settle(150);
    assert.deepEqual(h.types(), ['printer.online']);
  });

  it('klippy-shutdown subscribe result: Test connection and the link report the shutdown text', async () => {
    const status = fixture<{ status: PrinterObjects }>('printer.objects.subscribe.result.klippy-shutdown.authored.json').status;
    const message = String(status.webhooks.state_message);
    h = await startHarness({
      waitReady: false,
      prepare: (fake) => {
        fake.objects = structuredClone(status);
        fake.klippyState = 'shutdown';
        fake.stateMessage = message;
      },
    });
    await h.waitFor(() => h!.phases.some((p) => p.phase === 'klippy' && p.message === message.trim()));
    const probe = await probeMoonraker(h.fake.url, undefined, 2000);
    assert.equal(probe.ok, false);
    assert.equal(probe.state, 'shutdown');
    assert.match(probe.message, /Heater extruder not heating at expected rate/);
    assert.equal(h.types().some((t) => t.startsWith('print.')), false);
  });
});
