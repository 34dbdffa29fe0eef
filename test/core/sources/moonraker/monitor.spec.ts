import assert from 'node:assert/strict';
import { printJob, startHarness, type Harness } from './harness';

describe('moonraker monitor against a fake Moonraker', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('runs a normal job: started, progress from the G-code body, layers, done, all under the history job_id', async () => {
    h = await startHarness({ prepare: (f) => (f.metadata['benchy.gcode'] = { gcode_start_byte: 1000, gcode_end_byte: 11000, estimated_time: 600 }) });
    await printJob(h);
    const started = h.events.find((e) => e.type === 'print.started')!;
    assert.equal(started.job?.id, '00002A');
    assert.equal(started.job?.file, 'benchy.gcode');
    h.fake.update({ print_stats: { info: { total_layer: 10, current_layer: 1 }, print_duration: 10 }, virtual_sdcard: { file_position: 3500, progress: 0.17 } });
    h.fake.update({ print_stats: { info: { current_layer: 2 }, print_duration: 100 }, virtual_sdcard: { file_position: 6000, progress: 0.3 } });
    const progress = await h.waitForType('print.progress', 2);
    // (6000 - 1000) / (11000 - 1000) = 50 %, not virtual_sdcard's 30 %
    assert.equal(progress.job?.progress, 50);
    assert.equal(progress.job?.remaining_s, 500);
    const layer = await h.waitForType('print.layer');
    assert.equal(layer.job?.layer, 2);
    assert.equal(layer.job?.layers, 10);
    h.fake.update({ print_stats: { state: 'complete', info: { current_layer: 10 } }, virtual_sdcard: { file_position: 11000, is_active: false } });
    const done = await h.waitForType('print.done');
    assert.equal(done.job?.id, '00002A');
    await h.settle();
    assert.deepEqual(h.types().filter((t) => t.startsWith('print.') && t !== 'print.progress' && t !== 'print.layer'), ['print.started', 'print.done']);
    assert.equal(h.types().filter((t) => t === 'print.progress').length, 2);
  });

  it('sends printer.bed_cooled once when the bed falls below the threshold after a job', async () => {
    h = await startHarness({ monitor: { bedCooledBelow: 40 } });
    await printJob(h);
    h.fake.update({ heater_bed: { temperature: 60, target: 60 } });
    h.fake.update({ print_stats: { state: 'complete' }, heater_bed: { target: 0 } });
    await h.waitForType('print.done');
    h.fake.update({ heater_bed: { temperature: 45 } });
    await h.settle(30);
    assert.equal(h.types().includes('printer.bed_cooled'), false);
    h.fake.update({ heater_bed: { temperature: 39.5 } });
    const cooled = await h.waitForType('printer.bed_cooled');
    assert.equal(cooled.job?.id, '00002A');
    h.fake.update({ heater_bed: { temperature: 30 } });
    await h.settle(30);
    assert.equal(h.types().filter((t) => t === 'printer.bed_cooled').length, 1);
  });

  it('reports pause and resume, but not the pauses a timelapse frame takes', async () => {
    h = await startHarness({ prepare: (f) => (f.objects['gcode_macro TIMELAPSE_TAKE_FRAME'] = { is_paused: false }) });
    assert.ok(h.fake.subscribedObjects()?.includes('gcode_macro TIMELAPSE_TAKE_FRAME'));
    await printJob(h);
    h.fake.update({ print_stats: { state: 'paused' }, 'gcode_macro TIMELAPSE_TAKE_FRAME': { is_paused: true } });
    h.fake.update({ print_stats: { state: 'printing' }, 'gcode_macro TIMELAPSE_TAKE_FRAME': { is_paused: false } });
    await h.settle();
    assert.equal(h.types().includes('print.paused'), false);
    h.fake.update({ print_stats: { state: 'paused', total_duration: 50 }, pause_resume: { is_paused: true } });
    await h.waitForType('print.paused');
    h.fake.update({ print_stats: { state: 'printing', total_duration: 60 }, pause_resume: { is_paused: false } });
    const resumed = await h.waitForType('print.resumed');
    assert.equal(resumed.job?.id, '00002A');
  });

  it('turns a paused job with an empty filament sensor into printer.attention filament_runout', async () => {
    h = await startHarness({ prepare: (f) => (f.objects['filament_switch_sensor runout'] = { enabled: true, filament_detected: true }) });
    await printJob(h);
    h.fake.update({ 'filament_switch_sensor runout': { filament_detected: false }, print_stats: { state: 'paused' } });
    const attention = await h.waitForType('printer.attention');
    assert.equal(attention.reason, 'filament_runout');
    const paused = await h.waitForType('print.paused');
    assert.equal(paused.reason, 'filament_runout');
  });

  it('turns a shown Klipper host prompt into printer.attention with its title', async () => {
    h = await startHarness();
    h.fake.gcode('// action:prompt_begin Load PLA and press continue');
    h.fake.gcode('// action:prompt_button Continue|RESUME');
    await h.settle(30);
    assert.equal(h.types().includes('printer.attention'), false);
    h.fake.gcode('// action:prompt_show');
    const attention = await h.waitForType('printer.attention');
    assert.equal(attention.reason, 'prompt');
    assert.equal(attention.error?.message, 'Load PLA and press continue');
    h.fake.gcode('// action:prompt_end');
    h.fake.gcode('// action:prompt_show');
    const second = await h.waitForType('printer.attention', 2);
    assert.equal(second.error?.message, 'The printer shows a prompt');
    assert.notEqual(second.id, attention.id);
  });

  it('reports a user cancel as print.cancelled, never print.failed', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.update({ print_stats: { state: 'cancelled' } });
    const cancelled = await h.waitForType('print.cancelled');
    assert.equal(cancelled.job?.id, '00002A');
    await h.settle();
    assert.equal(h.types().includes('print.failed'), false);
    assert.equal(h.types().filter((t) => t === 'print.cancelled').length, 1);
  });

  it('treats standby straight from an active job as a cancel', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.update({ print_stats: { state: 'standby', filename: '' } });
    const cancelled = await h.waitForType('print.cancelled');
    assert.equal(cancelled.job?.file, 'benchy.gcode');
  });

  it('reports !! lines as printer.error and an error state as print.failed with its message', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.gcode('// just info');
    h.fake.gcode('!! Move out of range: 251.200 120.000 4.400 [1024.550]');
    const error = await h.waitForType('printer.error');
    assert.equal(error.error?.message, 'Move out of range: 251.200 120.000 4.400 [1024.550]');
    h.fake.update({ print_stats: { state: 'error', message: 'Move out of range: 251.200 120.000 4.400 [1024.550]' } });
    const failed = await h.waitForType('print.failed');
    assert.equal(failed.error?.message, 'Move out of range: 251.200 120.000 4.400 [1024.550]');
    await h.settle();
    assert.equal(h.types().filter((t) => t === 'printer.error').length, 1);
    assert.equal(h.types().filter((t) => t === 'print.failed').length, 1);
  });

  it('on a Klippy shutdown mid-job emits printer.error and exactly one print.failed', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.shutdown('Heater extruder not heating at expected rate');
    const error = await h.waitForType('printer.error');
    assert.equal(error.error?.code, 'klippy_shutdown');
    assert.equal(error.error?.message, 'Heater extruder not heating at expected rate');
    const failed = await h.waitForType('print.failed');
    assert.equal(failed.reason, 'klippy_shutdown');
    assert.equal(failed.job?.id, '00002A');
    // Klipper may report paused during a shutdown; Moonraker's history then says klippy_shutdown.
    h.fake.update({ print_stats: { state: 'paused' } });
    h.fake.finishJob('klippy_shutdown');
    await h.waitFor(() => h!.phases.some((p) => p.phase === 'klippy' && p.klippyState === 'shutdown'));
    await h.settle(100);
    assert.equal(h.types().filter((t) => t === 'print.failed').length, 1);
    assert.equal(h.types().includes('print.paused'), false);
  });

  it('a webhooks.state shutdown in a status diff fails the job once, even before notify_klippy_shutdown', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.update({ webhooks: { state: 'shutdown', state_message: 'MCU shutdown: Timer too close\n' }, print_stats: { state: 'paused' } });
    const failed = await h.waitForType('print.failed');
    assert.equal(failed.error?.message, 'MCU shutdown: Timer too close');
    h.fake.shutdown('MCU shutdown: Timer too close');
    await h.waitFor(() => h!.phases.some((p) => p.phase === 'klippy'));
    await h.settle(80);
    assert.equal(h.types().filter((t) => t === 'print.failed').length, 1);
    assert.equal(h.types().filter((t) => t === 'printer.error').length, 1);
    assert.equal(h.types().includes('print.paused'), false);
  });

  it('after a Klippy disconnect subscribes again on notify_klippy_ready and keeps following jobs', async () => {
    h = await startHarness();
    await printJob(h);
    const subscribesBefore = h.fake.count('printer.objects.subscribe');
    h.fake.disconnectKlippy();
    await h.waitForType('print.failed');
    assert.equal(h.events.find((e) => e.type === 'print.failed')?.reason, 'klippy_disconnect');
    assert.equal(h.fake.subscribedObjects(), undefined);
    h.fake.update({ print_stats: { state: 'standby', filename: '' } });
    h.fake.klippyReady();
    await h.fake.until(() => h!.fake.count('printer.objects.subscribe') > subscribesBefore);
    await h.fake.until(() => h!.fake.subscribedObjects()?.includes('print_stats') === true);
    await h.settle();
    await printJob(h, 'second.gcode').catch(() => undefined);
    await h.waitForType('print.started', 2);
    assert.equal(h.events.filter((e) => e.type === 'print.started')[1].job?.file, 'second.gcode');
    assert.equal(h.types().filter((t) => t === 'print.failed').length, 1);
  });

  it('after a reconnect gives a job that ended meanwhile its one terminal event from history', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.dropClients();
    // The job completes while nobody listens, and a new idle state follows.
    h.fake.update({ print_stats: { state: 'complete' } });
    h.fake.update({ print_stats: { state: 'standby', filename: '' } });
    const done = await h.waitForType('print.done');
    assert.equal(done.job?.id, '00002A');
    assert.equal(done.job?.file, 'benchy.gcode');
    await h.waitFor(() => h!.conn.isReady);
    await h.settle(100);
    assert.equal(h.types().filter((t) => ['print.done', 'print.cancelled', 'print.failed'].includes(t)).length, 1);
    assert.ok(h.fake.count('server.history.list') >= 1);
  });

  it('after a reconnect: the old job ended meanwhile and a new one runs — done for one, started for the other', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.dropClients();
    h.fake.update({ print_stats: { state: 'complete' } });
    h.fake.update({ print_stats: { state: 'printing', filename: 'second.gcode' } });
    const started = await h.waitForType('print.started', 2);
    assert.equal(started.job?.id, '00002B');
    assert.equal(started.job?.file, 'second.gcode');
    const done = h.events.find((e) => e.type === 'print.done')!;
    assert.equal(done.job?.id, '00002A');
    assert.ok(h.events.indexOf(done) < h.events.indexOf(started));
    h.fake.update({ print_stats: { state: 'cancelled' } });
    const cancelled = await h.waitForType('print.cancelled');
    assert.equal(cancelled.job?.id, '00002B');
  });

  it('without history, a reconnect that finds another file printing reports its start', async () => {
    h = await startHarness({ fake: { noHistory: true } });
    await printJob(h);
    h.fake.dropClients();
    h.fake.update({ print_stats: { state: 'printing', filename: 'other.gcode' } });
    const started = await h.waitForType('print.started', 2);
    assert.equal(started.job?.file, 'other.gcode');
  });

  it('after a reconnect continues a job that is still running without a second print.started', async () => {
    h = await startHarness();
    await printJob(h);
    h.fake.dropClients();
    await h.waitFor(() => h!.fake.count('printer.objects.subscribe') >= 2);
    await h.waitFor(() => h!.conn.isReady);
    await h.settle();
    h.fake.update({ print_stats: { state: 'complete' } });
    const done = await h.waitForType('print.done');
    assert.equal(done.job?.id, '00002A');
    assert.equal(h.types().filter((t) => t === 'print.started').length, 1);
  });

  it('connects to an idle printer still reporting complete without any print event', async () => {
    h = await startHarness({
      prepare: (f) => {
        f.objects.print_stats = { filename: 'old.gcode', state: 'complete', total_duration: 4000, print_duration: 3600, info: { total_layer: 240, current_layer: 240 } };
        f.objects.virtual_sdcard = { progress: 1, is_active: false, file_position: 5000 };
      },
    });
    await h.settle(100);
    assert.deepEqual(h.types(), ['printer.online']);
  });

  it('connects mid-print: a baseline, not a start, and the job keeps its history id', async () => {
    h = await startHarness({
      fake: { autoHistory: true },
      prepare: (f) => {
        f.objects.print_stats = { filename: 'cube.gcode', state: 'printing', total_duration: 1500, print_duration: 1400, info: { total_layer: 100, current_layer: 37 } };
        f.history.push({ job_id: '00002B', filename: 'cube.gcode', status: 'in_progress' });
      },
    });
    h.fake.update({ print_stats: { state: 'cancelled' } });
    const cancelled = await h.waitForType('print.cancelled');
    assert.equal(cancelled.job?.id, '00002B');
    assert.equal(h.types().includes('print.started'), false);
  });

  it('skips malformed frames, warns once per kind and keeps working', async () => {
    h = await startHarness();
    h.fake.sendRaw('not json at all');
    h.fake.sendRaw('not json either');
    h.fake.sendRaw('[1, 2, 3]');
    h.fake.sendRaw('{"jsonrpc":"2.0","id":99999}');
    h.fake.sendRaw('{"jsonrpc":"2.0","method":"notify_status_update","params":["nope", 1]}');
    h.fake.sendRaw('{"jsonrpc":"2.0","method":"notify_history_changed","params":[{"action":"added"}]}');
    h.fake.sendRaw(JSON.stringify({ jsonrpc: '2.0', method: 'notify_status_update', params: [{ print_stats: 'garbage' }, 1] }));
    await printJob(h);
    assert.equal(h.warnings.filter((w) => w.includes('not JSON')).length, 1);
    assert.ok(h.warnings.some((w) => w.includes('not a JSON object')));
    assert.ok(h.warnings.some((w) => w.includes('notify_status_update')));
    assert.ok(h.warnings.some((w) => w.includes('notify_history_changed')));
  });

  it('starts and ends a job too short to be seen printing, as Moonraker infers it', async () => {
    h = await startHarness({ fake: { autoHistory: false } });
    h.fake.update({ print_stats: { filename: 'tiny.gcode', state: 'complete' } });
    await h.waitForType('print.done');
    assert.deepEqual(h.types().filter((t) => t.startsWith('print.')), ['print.started', 'print.done']);
  });

  it('without the history component still follows jobs under a generated id', async () => {
    h = await startHarness({ fake: { noHistory: true } });
    await printJob(h);
    h.fake.update({ print_stats: { state: 'complete' } });
    const done = await h.waitForType('print.done');
    assert.match(done.job!.id, /^auto:benchy\.gcode:/);
    assert.equal(h.fake.count('server.history.list'), 0);
  });

  it('debounces offline: a short drop says nothing, a real outage says offline once', async () => {
    h = await startHarness();
    h.fake.dropClients();
    await h.waitFor(() => h!.fake.count('printer.objects.subscribe') >= 2);
    await h.settle(250);
    assert.equal(h.types().includes('printer.offline'), false);
    await h.fake.close();
    await h.waitForType('printer.offline');
    assert.equal(h.types().filter((t) => t === 'printer.offline').length, 1);
  });
});
