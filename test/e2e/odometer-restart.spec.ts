import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrinterEvent } from '../../src/event';
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { ensureBuilt, NodeRedProcess } from './support/node-red-process';
import { until } from './support/until';

/**
 * The maintenance odometer across kill -9 (docs/maintenance.md): jobs counted before a crash are still
 * counted after it, a reminder announced before a crash is not announced again, and removing the printer's
 * config node deletes its odometer file. One Node-RED 4.1 process, started three times.
 */
describe('e2e: the maintenance odometer survives kill -9 of Node-RED 4.1', function () {
  this.timeout(90_000);
  let userDir: string;
  let rx: FakeReceiver;
  let moon: FakeMoonraker;
  let red: NodeRedProcess | undefined;

  before(() => ensureBuilt());
  beforeEach(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-e2e-odometer-'));
    rx = await new FakeReceiver().start();
    moon = new FakeMoonraker();
    await moon.listen();
  });
  afterEach(async () => {
    await red?.stop();
    await rx.stop();
    await moon.close();
    fs.rmSync(userDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  });

  it('keeps the counts and the announced reminders across two crashes; deleting the config node deletes the file', async () => {
    const nodes = [
      { id: 'tab', type: 'tab', label: 'odometer' },
      { id: 'post', type: 'http request', z: 'tab', method: 'POST', ret: 'txt', url: `${rx.url}/events`, tls: '', persist: false, wires: [[]] },
      { id: 'msrv', type: 'printhooks-moonraker-server', name: 'Voron', url: moon.url, reconnectMs: 50, maintenance: 'every 2 jobs: clean bed\nevery 3 jobs: oil rods', version: 3 },
      { id: 'msrc', type: 'printhooks-moonraker', z: 'tab', server: 'msrv', historyWaitMs: 300, version: 2, wires: [['post']] },
    ];
    const events = (): PrinterEvent[] => rx.received.map((r) => JSON.parse(r.body.toString()) as PrinterEvent);
    const of = (type: string) => events().filter((e) => e.type === type);
    const file = path.join(userDir, 'printhooks', 'odometer', 'msrv.json');
    const saved = () => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { jobs: number; rules: Record<string, { due: boolean }> }) : undefined);
    const start = async (label: string): Promise<NodeRedProcess> => {
      const proc = new NodeRedProcess({ userDir, flows: nodes, label });
      await proc.start(60_000);
      return proc;
    };
    const job = async (name: string): Promise<void> => {
      const done = of('print.done').length;
      moon.update({ print_stats: { state: 'printing', filename: `${name}.gcode` }, virtual_sdcard: { progress: 0.1, is_active: true } });
      await until(() => of('print.started').some((e) => e.job?.file === `${name}.gcode`), 20_000, `print.started of ${name}`);
      moon.update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1, is_active: false } });
      await until(() => of('print.done').length > done, 20_000, `print.done of ${name}`);
    };
    const online = async (count: number): Promise<void> => {
      await until(() => of('printer.online').length >= count, 20_000, `printer.online #${count}`);
      await new Promise((r) => setTimeout(r, 300)); // the baseline
    };

    red = await start('first run');
    await online(1);
    await job('a');
    await until(() => saved()?.jobs === 1, 10_000, 'one job in the odometer file');
    await red.kill();

    red = await start('after the first crash');
    await online(2);
    await job('b');
    await until(() => of('printer.maintenance_due').length === 1, 20_000, 'the clean-bed reminder');
    assert.deepEqual(of('printer.maintenance_due')[0].maintenance, { task: 'clean bed', counter: 'jobs', every: 2, value: 2 });
    await until(() => saved()?.rules['2 jobs: clean bed']?.due === true, 10_000, 'the reminder marked in the file');
    await red.kill();

    red = await start('after the second crash');
    await online(3);
    await job('c');
    await until(() => of('printer.maintenance_due').length === 2, 20_000, 'the oil-rods reminder');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(of('printer.maintenance_due').map((e) => `${e.maintenance?.task}@${e.maintenance?.value}`), ['clean bed@2', 'oil rods@3'], 'clean bed not announced again');
    assert.equal(saved()?.jobs, 3);

    const res = await fetch(`${red.url}/flows`, { method: 'POST', headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' }, body: JSON.stringify(nodes.slice(0, 2)) });
    assert.ok(res.ok);
    await until(() => !fs.existsSync(file), 20_000, 'the odometer file deleted with its config node');
  });
});
