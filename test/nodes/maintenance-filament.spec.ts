import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import moonrakerServer = require('../../nodes/printhooks-moonraker-server/printhooks-moonraker-server');
import moonrakerSource = require('../../nodes/printhooks-moonraker/printhooks-moonraker');
import octoprintServer = require('../../nodes/printhooks-octoprint-server/printhooks-octoprint-server');
import octoprintSource = require('../../nodes/printhooks-octoprint/printhooks-octoprint');
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { FakeOctoPrint } from '../fakes/octoprint/fake-octoprint';
import { helper, nodeRedLine } from './helper';
import { until, type Msg } from './support/printer-drivers';

// The odometer's filament_m counter fed by the filament a job used (docs/maintenance.md, docs/events.md "Filament").
describe(`maintenance reminders on filament used (Node-RED ${nodeRedLine})`, function () {
  this.timeout(20_000);
  const RULE = 'every 1 filament_m: check extruder';
  let userDir: string;
  let moonraker: FakeMoonraker | undefined;
  let octoprint: FakeOctoPrint | undefined;
  let msgs: Msg[];

  beforeEach(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-filament-'));
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await moonraker?.close();
    await octoprint?.stop();
    moonraker = undefined;
    octoprint = undefined;
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  const topics = () => msgs.map((m) => m.topic);
  const dues = () => msgs.filter((m) => m.topic === 'printer.maintenance_due').map((m) => m.payload.maintenance);
  const job = (topic: string, n = 1) => msgs.filter((m) => m.topic === topic)[n - 1]?.payload.job as { id: string; filament_mm?: number } | undefined;
  const odometerFile = () => JSON.parse(fs.readFileSync(path.join(userDir, 'printhooks', 'odometer', 'cfg.json'), 'utf8')) as { filament_m: number; rules: Record<string, { due: boolean }> };

  async function loadMoonraker(): Promise<void> {
    msgs = [];
    await helper.load([moonrakerServer, moonrakerSource] as never, [
      { id: 'cfg', type: 'printhooks-moonraker-server', name: 'Voron', url: moonraker!.url, reconnectMs: 20, klippyRetryMs: 40, maintenance: RULE, snapshotOn: 'off', bedCooled: 0 },
      { id: 'src', type: 'printhooks-moonraker', server: 'cfg', offlineDelayMs: 100, historyWaitMs: 200, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ] as never);
    helper.getNode('out').on('input', (m: unknown) => msgs.push(m as Msg));
    await until(() => topics().includes('printer.online'), 'printer.online');
  }

  async function moonrakerJob(file: string, filamentMm: number): Promise<void> {
    const ended = msgs.filter((m) => m.topic === 'print.done').length;
    moonraker!.update({ print_stats: { filename: file, state: 'printing' }, virtual_sdcard: { progress: 0.1 } });
    await until(() => msgs.filter((m) => m.topic === 'print.started').length === ended + 1, 'print.started');
    moonraker!.update({ print_stats: { filament_used: filamentMm / 2 }, virtual_sdcard: { progress: 0.5 } });
    moonraker!.update({ print_stats: { filament_used: filamentMm, state: 'complete' }, virtual_sdcard: { progress: 1 } });
    await until(() => msgs.filter((m) => m.topic === 'print.done').length === ended + 1, 'print.done');
  }

  it('moonraker: the jobs\' filament_used crosses "every 1 filament_m" and printer.maintenance_due fires once, right after print.done', async () => {
    moonraker = new FakeMoonraker();
    await moonraker.listen();
    helper.settings({ userDir });
    await helper.startServer();
    await loadMoonraker();
    await moonrakerJob('a.gcode', 600);
    assert.equal(job('print.done')?.filament_mm, 600);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(dues(), [], '0.6 m is below the rule');
    await moonrakerJob('b.gcode', 550);
    await until(() => dues().length === 1, 'printer.maintenance_due');
    assert.deepEqual(dues()[0], { task: 'check extruder', counter: 'filament_m', every: 1, value: 1.15 });
    assert.equal(topics().indexOf('printer.maintenance_due'), topics().lastIndexOf('print.done') + 1);
    await until(() => odometerFile().rules['1 filament_m: check extruder']?.due === true, 'the odometer file with the reminder marked');
    assert.equal(odometerFile().filament_m, 1.15);
    await moonrakerJob('c.gcode', 2000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(dues().length, 1, 'not again while due');
    await until(() => odometerFile().filament_m === 3.15, 'the third job counted');
  });

  it('moonraker: a job that ended while Node-RED was stopped counts its filament once, also after another restart', async () => {
    moonraker = new FakeMoonraker();
    await moonraker.listen();
    helper.settings({ userDir });
    await helper.startServer();
    await loadMoonraker();
    moonraker.update({ print_stats: { filename: 'long.gcode', state: 'printing', filament_used: 0 }, virtual_sdcard: { progress: 0.1 } });
    await until(() => topics().includes('print.started'), 'print.started');
    moonraker.update({ print_stats: { filament_used: 400 }, virtual_sdcard: { progress: 0.4 } });
    await new Promise((r) => setTimeout(r, 100));
    await helper.unload();
    moonraker.update({ print_stats: { filament_used: 1200, state: 'complete' }, virtual_sdcard: { progress: 1 } });
    await loadMoonraker();
    await until(() => dues().length === 1, 'printer.maintenance_due after the restart');
    assert.equal(job('print.done')?.filament_mm, 1200);
    assert.deepEqual(dues()[0], { task: 'check extruder', counter: 'filament_m', every: 1, value: 1.2 });
    await until(() => odometerFile().filament_m === 1.2, 'the odometer file');
    await helper.unload();
    await loadMoonraker();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(topics().filter((t) => t.startsWith('print.') || t === 'printer.maintenance_due'), [], 'nothing again');
    assert.equal(odometerFile().filament_m, 1.2);
  });

  it('octoprint: the file\'s analysed filament length counts on print.done', async () => {
    octoprint = await new FakeOctoPrint().start();
    octoprint.filamentLength = 1500;
    helper.settings({ userDir, printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 200, pingIntervalMs: 200 } } as never);
    await helper.startServer();
    msgs = [];
    await helper.load([octoprintServer, octoprintSource] as never, [
      { id: 'cfg', type: 'printhooks-octoprint-server', name: 'Ender', url: octoprint.url, offlineDelay: 5, version: 1, maintenance: RULE, snapshotOn: 'off', bedCooled: 0 },
      { id: 'src', type: 'printhooks-octoprint', server: 'cfg', version: 1, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ] as never, { cfg: { apiKey: octoprint.apiKey } } as never);
    helper.getNode('out').on('input', (m: unknown) => msgs.push(m as Msg));
    await until(() => octoprint!.authedSockets === 1, 'an authenticated socket');
    octoprint.startJob('benchy.gcode');
    await until(() => topics().includes('print.started'), 'print.started');
    octoprint.progress(50);
    await until(() => topics().includes('print.progress'), 'print.progress');
    assert.equal(job('print.progress')?.filament_mm, undefined, 'an estimate of the file is not filament used so far');
    octoprint.finishJob();
    await until(() => dues().length === 1, 'printer.maintenance_due');
    assert.equal(job('print.done')?.filament_mm, 1500);
    assert.deepEqual(dues()[0], { task: 'check extruder', counter: 'filament_m', every: 1, value: 1.5 });
  });
});
