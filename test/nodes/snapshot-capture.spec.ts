import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import filterNode = require('../../nodes/printhooks-filter/printhooks-filter');
import templateNode = require('../../nodes/printhooks-template/printhooks-template');
import endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
import senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
import { existingCaptures } from '../../src/snapshot/captures';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { helper, nodeRedLine } from './helper';
import { useDriverRig } from './support/driver-rig';
import { DRIVERS, until, type FlowItem, type Msg, type PrinterDriver } from './support/printer-drivers';

// The camera image captured at the terminal event (docs/snapshots.md), on every platform with a camera.
const frame = (label: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`frame ${label} `.repeat(8)), Buffer.from([0xff, 0xd9])]);
const END_OF_PRINT = frame('end-of-print');
const LATER = frame('plate-removed');

const TEMPLATE: FlowItem = { id: 'tpl', type: 'printhooks-template', contentType: 'multipart', body: '{"image":"{{$snapshot}}","type":"{{type}}"}', version: 1, wires: [['rendered']] };

describe(`snapshot captured at the event (Node-RED ${nodeRedLine})`, function () {
  this.timeout(20_000);
  const rig = useDriverRig('printhooks-capture-');
  let rendered: Array<{ payload: Buffer; event: Msg['payload'] }>;

  async function load(make: () => PrinterDriver, config: Record<string, unknown> = {}): Promise<PrinterDriver> {
    const d = await rig.load(make, config, { nodes: [templateNode], flow: [TEMPLATE, { id: 'rendered', type: 'helper' }] });
    rendered = [];
    helper.getNode('rendered').on('input', (m: unknown) => rendered.push(m as { payload: Buffer; event: Msg['payload'] }));
    return d;
  }

  /** Renders a msg the source sent a while ago, as a template behind a delay or a queue would. */
  async function renderLater(msg: Msg): Promise<{ payload: Buffer; event: Msg['payload'] }> {
    const before = rendered.length;
    helper.getNode('tpl').receive(structuredClone(msg) as never);
    await until(() => rendered.length > before, 'the rendered msg');
    return rendered[before];
  }

  for (const make of DRIVERS.filter((m) => m().hasCamera)) {
    it(`${make().platform}: the image captured at print.done is attached when rendered after the camera changed`, async () => {
      const d = await load(make);
      d.setCamera(END_OF_PRINT);
      await d.printJob(rig.msgs, 'benchy.gcode');
      const done = rig.msgs.find((m) => m.topic === 'print.done')!;
      await until(() => existingCaptures()?.reference(done.payload.id) !== undefined, 'the capture');
      d.setCamera(LATER);
      const out = await renderLater(done);
      assert.ok(out.payload.includes(END_OF_PRINT), 'the end-of-print image');
      assert.equal(out.payload.includes(LATER), false);
      assert.deepEqual(
        { id: out.event.snapshot?.id, bytes: out.event.snapshot?.bytes, type: out.event.snapshot?.content_type },
        { id: done.payload.id, bytes: END_OF_PRINT.length, type: 'image/jpeg' },
      );
      assert.equal(done.payload.snapshot, undefined, 'the source sent the event before the image was in');
      // an event that captures nothing still gets the current image, as before
      const started = await renderLater(rig.msgs.find((m) => m.topic === 'print.started')!);
      assert.ok(started.payload.includes(LATER));
      assert.equal(started.event.snapshot, undefined);
      // kept on disk under the user dir too
      const file = path.join(rig.userDir, 'printhooks', 'snapshots', `${done.payload.id}.jpg`);
      await until(() => fs.existsSync(file), 'the image on disk');
      assert.deepEqual(fs.readFileSync(file), END_OF_PRINT);
    });
  }

  it('elegoo: no camera, nothing is captured (documented departure)', async () => {
    const d = await load(DRIVERS.find((m) => m().platform === 'elegoo')!);
    await d.printJob(rig.msgs, 'benchy.gcode');
    const done = rig.msgs.find((m) => m.topic === 'print.done')!;
    assert.deepEqual(await existingCaptures()!.lookup(done.payload.id, 0), { state: 'none' });
  });

  for (const platform of ['moonraker', 'octoprint']) {
    it(`${platform}: snapshotOn terminal-and-stops also captures at print.paused; the default does not`, async () => {
      const make = DRIVERS.find((m) => m().platform === platform)!;
      const d = await load(make, { snapshotOn: 'terminal-and-stops' });
      d.setCamera(END_OF_PRINT);
      await d.printJob(rig.msgs, 'a.gcode', { pause: true });
      const paused = rig.msgs.find((m) => m.topic === 'print.paused')!;
      const done = rig.msgs.find((m) => m.topic === 'print.done')!;
      await until(() => existingCaptures()?.reference(paused.payload.id) !== undefined, 'the capture at print.paused');
      await until(() => existingCaptures()?.reference(done.payload.id) !== undefined, 'the capture at print.done');
      await helper.unload();
      await helper.stopServer();
      await d.stop();
      const plain = await load(make);
      plain.setCamera(END_OF_PRINT);
      await plain.printJob(rig.msgs, 'b.gcode', { pause: true });
      const plainPaused = rig.msgs.find((m) => m.topic === 'print.paused')!;
      const plainDone = rig.msgs.find((m) => m.topic === 'print.done')!;
      await until(() => existingCaptures()?.reference(plainDone.payload.id) !== undefined, 'the capture at print.done');
      assert.deepEqual(await existingCaptures()!.lookup(plainPaused.payload.id, 0), { state: 'none' });
    });
  }

  it('moonraker: snapshotOn off captures nothing; the template then attaches the current image', async () => {
    const d = await load(DRIVERS.find((m) => m().platform === 'moonraker')!, { snapshotOn: 'off' });
    d.setCamera(END_OF_PRINT);
    await d.printJob(rig.msgs, 'b.gcode');
    const done = rig.msgs.find((m) => m.topic === 'print.done')!;
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await existingCaptures()!.lookup(done.payload.id, 0), { state: 'none' });
    d.setCamera(LATER);
    const out = await renderLater(done);
    assert.ok(out.payload.includes(LATER));
    assert.equal(out.event.snapshot, undefined);
  });

  it('end to end: a receiver down for a while gets the end-of-print image, not the later one', async () => {
    const rx = await new FakeReceiver().start();
    rx.reply({ status: 503 }, { status: 503 }, { status: 503 });
    const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-capture-outbox-'));
    try {
      const d = await rig.load(DRIVERS.find((m) => m().platform === 'moonraker')!, {}, {
        nodes: [filterNode, templateNode, endpointNode, senderNode],
        wires: ['flt', 'out'],
        settings: { printhooks: { sender: { outboxDir } } },
        flow: [
          { id: 'flt', type: 'printhooks-filter', events: ['print.done'], version: 1, wires: [['tpl']] },
          { ...TEMPLATE, wires: [['snd']] },
          { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, version: 1 },
          { id: 'snd', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.3,0.3,0.3,0.3', jitter: 0, version: 1, wires: [['ok'], []] },
          { id: 'ok', type: 'helper' },
        ],
      });
      d.setCamera(END_OF_PRINT);
      await d.printJob(rig.msgs, 'benchy.gcode');
      const done = rig.msgs.find((m) => m.topic === 'print.done')!;
      await until(() => existingCaptures()?.reference(done.payload.id) !== undefined, 'the capture');
      d.setCamera(LATER);
      await rx.waitFor(4, 10_000);
      const delivered = rx.received[3];
      assert.ok(delivered.body.includes(END_OF_PRINT), 'the end-of-print image');
      assert.equal(delivered.body.includes(LATER), false);
      assert.ok(delivered.at - rx.received[0].at >= 500, 'delivered after the receiver was down');
      assert.match(String(delivered.headers['content-type']), /^multipart\/form-data; boundary=/);
    } finally {
      await helper.unload();
      await rx.stop();
      fs.rmSync(outboxDir, { recursive: true, force: true });
    }
  });
});
