import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import filterNode = require('../../nodes/printhooks-filter/printhooks-filter');
import templateNode = require('../../nodes/printhooks-template/printhooks-template');
import endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
import senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
import { printerBoard } from '../../nodes/shared/printer-board';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { helper, nodeRedLine } from './helper';
import { useDriverRig } from './support/driver-rig';
import { DRIVERS, until, type PrinterDriver } from './support/printer-drivers';

// printer.maintenance_due from the per-printer odometer (docs/maintenance.md), on every platform.
describe(`maintenance reminders (Node-RED ${nodeRedLine})`, function () {
  this.timeout(20_000);
  const rig = useDriverRig('printhooks-maintenance-');
  const load = (make: () => PrinterDriver, config: Record<string, unknown>) => rig.load(make, config);

  const dues = () => rig.msgs.filter((m) => m.topic === 'printer.maintenance_due').map((m) => m.payload.maintenance);

  for (const make of DRIVERS) {
    const platform = make().platform;
    it(`${platform}: a finished job crossing "every 1 jobs" emits printer.maintenance_due once, right after print.done`, async () => {
      const d = await load(make, { maintenance: '# weekly\nevery 1 jobs: clean bed\nevery 500 print_hours: lubricate rods', bedCooled: 0 });
      await d.printJob(rig.msgs, 'benchy.gcode');
      await until(() => dues().length === 1, 'printer.maintenance_due');
      const topics = rig.msgs.map((m) => m.topic);
      assert.equal(topics.indexOf('printer.maintenance_due'), topics.indexOf('print.done') + 1);
      const due = rig.msgs.find((m) => m.topic === 'printer.maintenance_due')!.payload;
      assert.deepEqual(due.maintenance, { task: 'clean bed', counter: 'jobs', every: 1, value: 1 });
      assert.equal(due.printer.kind, platform);
      assert.match(due.id, /^evt_/);
      const row = printerBoard.list().find((r) => r.sources.some((source) => source.id === 'src'));
      assert.equal(row?.lastEvent?.type, 'printer.maintenance_due', 'the sidebar shows the reminder as the last event');
      const file = path.join(rig.userDir, 'printhooks', 'odometer', 'cfg.json');
      const saved = () => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { jobs: number; rules: Record<string, { due: boolean }> }) : undefined);
      await until(() => saved()?.rules['1 jobs: clean bed']?.due === true, 'the odometer file with the reminder marked');
      assert.equal(saved()?.jobs, 1);
    });
  }

  for (const make of DRIVERS.filter((m) => ['octoprint', 'moonraker'].includes(m().platform))) {
    it(`${make().platform}: stays due until msg.reset names the task, then is announced at the next crossing`, async () => {
      const d = await load(make, { maintenance: 'every 1 jobs: clean bed' });
      await d.printJob(rig.msgs, 'a.gcode');
      await until(() => dues().length === 1, 'the first reminder');
      await d.printJob(rig.msgs, 'b.gcode');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(dues().length, 1, 'not repeated while due');
      const src = helper.getNode('src');
      const errors: unknown[] = [];
      (src as unknown as { on(event: string, cb: (call: { args: unknown[] }) => void): void }).on('call:error', (call) => errors.push(call.args[0]));
      src.receive({ reset: 'dust the shelf' } as never);
      await until(() => errors.length === 1, 'the unknown task refused');
      assert.match(String((errors[0] as Error).message ?? errors[0]), /no rule has the task "dust the shelf"; the tasks are: clean bed/);
      src.receive({ reset: { task: 'clean bed' } } as never);
      src.receive({ payload: 'clean bed' } as never);
      src.receive({ reset: 'x'.repeat(100_000) } as never);
      await until(() => errors.length === 4, 'the malformed resets refused');
      assert.match(String((errors[1] as Error).message), /^maintenance reset: msg.reset must be the task text of a rule, or "\*"$/);
      assert.match(String((errors[2] as Error).message), /^input: send msg.reset = "<task>"/);
      assert.ok(String((errors[3] as Error).message).length < 300, 'a huge task is cut in the error');
      src.receive({ topic: 'maintenance.reset', payload: 'clean bed' } as never);
      await new Promise((r) => setTimeout(r, 50));
      await d.printJob(rig.msgs, 'c.gcode');
      await until(() => dues().length === 2, 'the reminder after reset');
      assert.deepEqual(dues()[1], { task: 'clean bed', counter: 'jobs', every: 1, value: 3 });
    });
  }

  it('a rules field that cannot be read is one error naming the line; events still flow', async () => {
    const make = DRIVERS.find((m) => m().platform === 'moonraker')!;
    const d = await load(make, { maintenance: 'every 1 jobs: ok\nevery 2 hour: oil' });
    const src = helper.getNode('src') as unknown as { error: { args: unknown[][] } };
    assert.ok(src.error.args.some((a) => a[0] === 'maintenance line 2: "hour" is not a counter; use print_hours, jobs or filament_m'));
    await d.printJob(rig.msgs, 'a.gcode');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(dues(), []);
  });

  it('end to end: the fake printer → filter → template → sender delivers printer.maintenance_due to a receiver', async () => {
    const rx = await new FakeReceiver().start();
    const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-maintenance-outbox-'));
    try {
      const d = await rig.load(DRIVERS.find((m) => m().platform === 'moonraker')!, { maintenance: 'every 1 jobs: clean bed' }, {
        nodes: [filterNode, templateNode, endpointNode, senderNode],
        wires: ['flt', 'out'],
        settings: { printhooks: { sender: { outboxDir } } },
        flow: [
          { id: 'flt', type: 'printhooks-filter', events: ['printer.maintenance_due'], version: 1, wires: [['tpl']] },
          { id: 'tpl', type: 'printhooks-template', contentType: 'json', body: '{"type":"{{type}}","task":"{{maintenance.task}}","value":"{{maintenance.value}}","printer":"{{printer.name}}"}', version: 1, wires: [['snd']] },
          { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, version: 1 },
          { id: 'snd', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [[], []] },
        ],
      });
      await d.printJob(rig.msgs, 'benchy.gcode');
      await rx.waitFor(1);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(rx.received.length, 1, 'only the reminder passes the filter');
      assert.deepEqual(JSON.parse(rx.received[0].body.toString()), { type: 'printer.maintenance_due', task: 'clean bed', value: 1, printer: 'Voron' });
    } finally {
      await helper.unload();
      await rx.stop();
      fs.rmSync(outboxDir, { recursive: true, force: true });
    }
  });
});
