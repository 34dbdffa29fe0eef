import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrinterEvent } from '../../src/event';
import { FakePrinter } from '../fakes/bambu/fake-printer';
import { delta, fullReport, trayNow } from '../fakes/bambu/reports';
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { FakeOctoPrint } from '../fakes/octoprint/fake-octoprint';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { helper, nodeRedLine } from './helper';

// Issue 19 part 1 end to end: each fake printer speaks its protocol over a real socket to its source
// node; printer.message / printer.material_changed / printer.nozzle_changed pass printhooks-filter,
// printhooks-template renders them, printhooks-sender delivers them to a real loopback receiver.
const delivery = [
  require('../../nodes/printhooks-filter/printhooks-filter'),
  require('../../nodes/printhooks-template/printhooks-template'),
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
];
const octoprint = [require('../../nodes/printhooks-octoprint-server/printhooks-octoprint-server'), require('../../nodes/printhooks-octoprint/printhooks-octoprint')];
const moonraker = [require('../../nodes/printhooks-moonraker-server/printhooks-moonraker-server'), require('../../nodes/printhooks-moonraker/printhooks-moonraker')];
const bambu = [require('../../nodes/printhooks-bambu-printer/printhooks-bambu-printer'), require('../../nodes/printhooks-bambu/printhooks-bambu')];

const INFO_EVENTS = ['printer.message', 'printer.material_changed', 'printer.nozzle_changed'];

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`printer messages and material / nozzle changes: fake printer → source → filter → template → sender → receiver (Node-RED ${nodeRedLine})`, function () {
  this.timeout(20_000);
  let rx: FakeReceiver;
  let dir: string;

  beforeEach(async () => {
    rx = await new FakeReceiver().start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-messages-'));
    helper.settings({
      userDir: dir,
      printhooks: { sender: { outboxDir: path.join(dir, 'outbox') } },
      printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 200, pingIntervalMs: 200 },
    } as never);
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await rx.stop();
    helper.settings({});
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The delivery half every platform shares: only the three new event types pass the filter. */
  function deliveryFlow(preset: string) {
    return [
      { id: 'flt', type: 'printhooks-filter', events: INFO_EVENTS, version: 2, wires: [['tpl']] },
      { id: 'tpl', type: 'printhooks-template', preset, version: 1, wires: [['snd']] },
      { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, version: 1 },
      { id: 'snd', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [['ok'], ['dead']] },
      { id: 'ok', type: 'helper' },
      { id: 'dead', type: 'helper' },
    ];
  }

  /** The OctoPrint server and source on `fake`, into the delivery flow with `preset`; resolves once the push socket is authenticated. */
  async function loadOctoPrint(fake: FakeOctoPrint, preset: Parameters<typeof deliveryFlow>[0]): Promise<void> {
    const flow = [
      { id: 'srv', type: 'printhooks-octoprint-server', name: 'Ender', url: fake.url, offlineDelay: 5, version: 2 },
      { id: 'src', type: 'printhooks-octoprint', server: 'srv', version: 1, wires: [['flt']] },
      ...deliveryFlow(preset),
    ];
    await helper.load([...octoprint, ...delivery], flow as never, { srv: { apiKey: fake.apiKey } } as never);
    await until(() => fake.authedSockets === 1, 'an authenticated socket');
  }

  function bodies(): Array<Record<string, unknown>> {
    return rx.received.map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>);
  }

  it('OctoPrint: M117 sent during a job and action:notification arrive as Discord embeds with the text; nothing else passes', async () => {
    const fake = await new FakeOctoPrint().start();
    try {
      await loadOctoPrint(fake, 'discord');
      await sleep(100);
      fake.startJob('benchy.gcode');
      fake.m117('Layer 2 of 40');
      fake.notification('Filament low: check the spool');
      await until(() => rx.received.length >= 2, 'two messages delivered');
      await sleep(200);
      assert.equal(rx.received.length, 2, 'print.started and presence are filtered out; nothing else arrives');
      const embeds = bodies().map((b) => (b.embeds as Array<{ title: string; fields?: Array<{ name: string; value: string }> }>)[0]);
      assert.deepEqual(embeds.map((e) => e.fields?.find((f) => f.name === 'Message')?.value), ['Layer 2 of 40', 'Filament low: check the spool']);
      assert.ok(embeds.every((e) => e.title.includes('Ender')), JSON.stringify(embeds));
    } finally {
      await fake.stop();
    }
  });

  it('OctoPrint: a spool chosen in the Spoolman plugin arrives as printer.material_changed with its filament', async () => {
    const fake = await new FakeOctoPrint().start();
    fake.spoolmanSpools = [{ id: 5, filament: { name: 'Jet Black', material: 'PETG', color_hex: '101010' } }];
    try {
      await loadOctoPrint(fake, 'canonical');
      fake.selectSpool(0, 5);
      fake.selectSpool(0, 5);
      await until(() => rx.received.length >= 1, 'material_changed delivered');
      await sleep(200);
      const events = bodies() as unknown as PrinterEvent[];
      assert.deepEqual(events.map((e) => [e.type, e.material]), [['printer.material_changed', { type: 'PETG', color: '#101010', name: 'Jet Black', spool_id: 5, tray: 'tool0' }]]);
    } finally {
      await fake.stop();
    }
  });

  it('Moonraker: with messagePrefix "notify" only RESPOND PREFIX=notify and "notify:" M117 arrive; a new Spoolman spool is printer.material_changed', async () => {
    const fake = new FakeMoonraker({ spoolman: true });
    fake.spools = { 3: { id: 3, filament: { name: 'Galaxy Black', material: 'PLA', color_hex: '1A1A2E' } }, 9: { id: 9, filament: { name: 'Signal Orange', material: 'PETG', color_hex: 'FF6A13' } } };
    fake.activeSpool = 3;
    await fake.listen();
    try {
      const flow = [
        { id: 'srv', type: 'printhooks-moonraker-server', name: 'Voron', url: fake.url, messagePrefix: 'notify', reconnectMs: 20, klippyRetryMs: 40, version: 2 },
        { id: 'src', type: 'printhooks-moonraker', server: 'srv', offlineDelayMs: 100, historyWaitMs: 100, wires: [['flt']] },
        ...deliveryFlow('canonical'),
      ];
      await helper.load([...moonraker, ...delivery], flow as never);
      await fake.until(() => fake.count('server.spoolman.get_spool_id') >= 1);
      await sleep(150);
      fake.respond('Bed is free', { prefix: 'notify' });
      fake.respond('just console chatter');
      fake.m117('Layer 3');
      fake.m117('notify: Remove the part');
      fake.setActiveSpool(9);
      await until(() => rx.received.length >= 3, 'three events delivered');
      await sleep(200);
      const events = bodies() as unknown as PrinterEvent[];
      assert.deepEqual(events.map((e) => e.type), ['printer.message', 'printer.message', 'printer.material_changed']);
      assert.deepEqual(events[0].message, { text: 'Bed is free', source: 'RESPOND', level: 'info' });
      assert.deepEqual(events[1].message, { text: 'Remove the part', source: 'M117', level: 'info' });
      assert.deepEqual(events[2].material, { type: 'PETG', color: '#FF6A13', name: 'Signal Orange', spool_id: 9 });
      assert.equal(events[2].printer.name, 'Voron');
      assert.equal(new Set(events.map((e) => e.id)).size, 3);
    } finally {
      await fake.close();
    }
  });

  it('Bambu: an AMS tray change and a nozzle swap arrive once each as canonical events; the state at connect sends nothing', async () => {
    const printer = await new FakePrinter({ productName: 'Bambu Lab X1-Carbon', state: fullReport() }).start();
    try {
      const flow = [
        { id: 'cfg', type: 'printhooks-bambu-printer', name: 'X1C', host: '127.0.0.1', port: printer.port, serial: printer.serial, tls: 'pin', reconnectMs: 20, slowRetryMs: 200, cameraPort: printer.cameraPort },
        { id: 'src', type: 'printhooks-bambu', printer: 'cfg', offlineDelayMs: 100, wires: [['flt']] },
        ...deliveryFlow('canonical'),
      ];
      await helper.load([...bambu, ...delivery], flow as never, { cfg: { accessCode: printer.accessCode } } as never);
      await until(() => printer.pushalls >= 1, 'the first full report');
      await sleep(200);
      assert.equal(rx.received.length, 0, 'the loaded tray and nozzle at connect are a baseline');
      printer.publish(trayNow(1));
      printer.publish(delta({ nozzle_diameter: '0.6', nozzle_type: 'hardened_steel' }));
      printer.publish(trayNow(1));
      await until(() => rx.received.length >= 2, 'two events delivered');
      await sleep(200);
      const events = bodies() as unknown as PrinterEvent[];
      assert.deepEqual(events.map((e) => e.type), ['printer.material_changed', 'printer.nozzle_changed']);
      assert.deepEqual(events[0].material, { type: 'PETG', color: '#000000', tray: 'ams0/tray1', name: 'PETG HF' });
      assert.deepEqual(events[1].nozzle, { diameter: 0.6, type: 'hardened_steel' });
      assert.equal(events[1].printer.kind, 'bambu');
    } finally {
      await printer.stop();
    }
  });
});
