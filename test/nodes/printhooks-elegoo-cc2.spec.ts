import assert from 'node:assert/strict';
import { connect } from 'mqtt';
import { helper, nodeRedLine } from './helper';
import { FakeCc2 } from '../fakes/elegoo/fake-cc2';
import { FakeSdcp } from '../fakes/elegoo/fake-sdcp';
import { elegooNodeHarness, lifecycle, until, type FlowItem } from '../fakes/elegoo/node-harness';

const printing = (sub: number, extra: Record<string, unknown> = {}) => ({ machine_status: { status: 2, sub_status: sub, ...extra } });

describe(`printhooks-elegoo over Centauri Carbon 2 MQTT (Node-RED ${nodeRedLine})`, function () {
  let fake: FakeCc2;
  const h = elegooNodeHarness(() => fake?.close());
  const { msgs, start, online, seen } = h;

  function flow(printer: Record<string, unknown> = {}): FlowItem[] {
    return [
      { id: 'prn', type: 'printhooks-elegoo-printer', name: 'CC2', host: '127.0.0.1', port: fake.port, model: 'cc2', mainboardId: fake.serial, reconnectMs: 20, ...printer },
      { id: 'src', type: 'printhooks-elegoo', printer: 'prn', offlineDelayMs: 50, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ];
  }

  it('a normal print from deltas, with a runout pause: attention once, milestones and layers, done once', async () => {
    fake = new FakeCc2();
    await fake.listen();
    await start(flow());
    await online();
    fake.update({ ...printing(1405), print_status: { filename: 'benchy.gcode', uuid: 'u-1', total_layer: 200 } });
    await seen('print.started');
    fake.update({ ...printing(2075, { progress: 12 }), print_status: { current_layer: 3 } });
    // total_layer is not repeated in deltas: the merged state keeps it.
    fake.update({ machine_status: { progress: 20 }, print_status: { current_layer: 4 } });
    fake.update(printing(2501));
    fake.update({ ...printing(2502), extruder: { filament_detected: 0 } });
    await seen('printer.attention');
    fake.update({ ...printing(2402), extruder: { filament_detected: 1 } });
    fake.update(printing(2075, { progress: 70 }));
    fake.update(printing(2077, { progress: 100 }));
    await seen('print.done');
    fake.update({ machine_status: { status: 1, sub_status: 0 }, print_status: { filename: '', uuid: '' } });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(lifecycle(msgs), [
      'print.started', 'print.progress', 'print.progress', 'print.layer',
      'print.paused', 'printer.attention', 'print.resumed', 'print.progress', 'print.done',
    ]);
    const paused = msgs.find((m) => m.topic === 'print.paused')!;
    assert.equal(paused.payload.reason, 'filament_runout');
    assert.equal(msgs.find((m) => m.topic === 'print.layer')!.payload.job?.layers, 200);
    assert.equal(msgs.find((m) => m.topic === 'print.done')!.payload.job?.file, 'benchy.gcode');
  });

  it('a stop is one print.cancelled; an emergency stop is print.failed; a listed fault is printer.error', async () => {
    fake = new FakeCc2();
    await fake.listen();
    await start(flow());
    await online();
    fake.update({ ...printing(2075), print_status: { filename: 'a.gcode', uuid: 'u-2' } });
    await seen('print.started');
    fake.update(printing(2503));
    fake.update(printing(2504));
    await seen('print.cancelled');
    fake.update({ ...printing(2075), print_status: { filename: 'b.gcode', uuid: 'u-3' } });
    await seen('print.started', 2);
    fake.update({ machine_status: { status: 14, sub_status: 0, exception_status: [501] } });
    await seen('print.failed');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(lifecycle(msgs), ['print.started', 'print.cancelled', 'print.started', 'print.failed', 'printer.error']);
    assert.equal(msgs.find((m) => m.topic === 'print.cancelled')!.payload.reason, 'user');
    assert.equal(msgs.find((m) => m.topic === 'print.failed')!.payload.error?.code, 'exception_501');
  });

  it('a finished job shown at connect is not announced; a print dropped mid-way and found idle is reconciled once', async () => {
    fake = new FakeCc2();
    fake.state.machine_status = { status: 2, sub_status: 2077, exception_status: [], progress: 100 };
    fake.state.print_status = { filename: 'old.gcode', uuid: 'old' };
    await fake.listen();
    await start(flow());
    await online();
    fake.update({ ...printing(2075, { progress: 5 }), print_status: { filename: 'c.gcode', uuid: 'u-4' } });
    await seen('print.started');
    fake.dropClients();
    fake.state.machine_status = { status: 1, sub_status: 0, exception_status: [], progress: 0 };
    fake.state.print_status = { filename: '', uuid: '' };
    await seen('print.cancelled');
    await until(() => fake.registered.size === 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(lifecycle(msgs), ['print.started', 'print.cancelled']);
    assert.equal(msgs.find((m) => m.topic === 'print.cancelled')!.payload.reason, 'aborted');
  });

  it('asks for the full status again after gaps in the delta ids', async () => {
    fake = new FakeCc2();
    await fake.listen();
    await start(flow());
    await online();
    assert.equal(fake.statusRequests, 1);
    // The first id only sets where counting starts; five gaps after it.
    for (let i = 0; i < 6; i++) fake.update({ heater_bed: { temperature: 60 + i } }, 1);
    await until(() => fake.statusRequests >= 2);
  });

  it('registration "too many clients" is shown as such and retried slowly; the heartbeat keeps a registered link', async () => {
    fake = new FakeCc2({ cap: 1 });
    await fake.listen();
    const other = connect({ host: '127.0.0.1', port: fake.port, username: 'elegoo', password: '123456', protocolVersion: 4 });
    await new Promise((r) => other.once('connect', r));
    other.publish(`elegoo/${fake.serial}/api_register`, JSON.stringify({ client_id: 'slicer', request_id: 'slicer_req' }));
    await until(() => fake.registered.size === 1);
    await start(flow({ busyRetryMs: 400, heartbeatMs: 50 }));
    await until(() => h.statuses().some((s) => s.fill === 'yellow' && /too many clients/.test(s.text ?? '')));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(fake.refused, 1, 'no fast retries into a full printer');
    other.end(true);
    await online();
    const pingsBefore = fake.pings;
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(fake.pings - pingsBefore >= 3, `heartbeats: ${fake.pings - pingsBefore}`);
  });

  it('without PONGs the link is dropped and made again', async () => {
    fake = new FakeCc2();
    await fake.listen();
    await start(flow({ heartbeatMs: 30, pongTimeoutMs: 150 }));
    await online();
    fake.mute = true;
    await until(() => h.statuses().some((s) => /no heartbeat answer/.test(s.text ?? '')));
  });

  it('uses the access code as the broker password, shows a rejected one, and answers Test connection', async () => {
    fake = new FakeCc2({ password: 'secret-code' });
    await fake.listen();
    await start(flow({ slowRetryMs: 60_000 }), { prn: { accessCode: 'wrong' } });
    await until(() => h.statuses().some((s) => s.fill === 'red' && /access code rejected/.test(s.text ?? '')));
    const ok = await helper.request().post('/printhooks-elegoo-printer/test').send({ host: '127.0.0.1', port: fake.port, model: 'cc2', mainboardId: fake.serial, accessCode: 'secret-code' }).expect(200);
    assert.equal(ok.body.ok, true, ok.body.message);
    assert.equal(ok.body.model, 'Centauri Carbon 2');
    const bad = await helper.request().post('/printhooks-elegoo-printer/test').send({ host: '127.0.0.1', port: fake.port, model: 'cc2', mainboardId: fake.serial, accessCode: 'nope' }).expect(200);
    assert.equal(bad.body.problem, 'auth');
    assert.doesNotMatch(JSON.stringify(bad.body), /nope|secret-code/);
    // The access code never reaches a log line, a status or a msg.
    const said = ['prn', 'src'].flatMap((id) => {
      const node = helper.getNode(id) as unknown as Record<'warn' | 'error' | 'log' | 'status', { getCalls(): Array<{ args: unknown[] }> }>;
      return (['warn', 'error', 'log', 'status'] as const).flatMap((m) => node[m]?.getCalls().map((c) => JSON.stringify(c.args)) ?? []);
    });
    assert.doesNotMatch([...said, JSON.stringify(msgs)].join('\n'), /wrong|secret-code/);
    const noSerial = await helper.request().post('/printhooks-elegoo-printer/test').send({ host: '127.0.0.1', model: 'cc2' }).expect(200);
    assert.match(noSerial.body.message, /^mainboardId: a Centauri Carbon 2 needs its serial number/);
  });

  it('hostile payloads are skipped and the link goes on', async () => {
    fake = new FakeCc2();
    await fake.listen();
    await start(flow());
    await online();
    fake.sendRaw('{broken');
    fake.sendRaw(JSON.stringify({ id: 'x', method: 6000, result: { machine_status: { status: '2', sub_status: { a: 1 }, exception_status: 'x' }, __proto__: { polluted: 1 } } }));
    fake.sendRaw(`{"id":1,"method":6000,"result":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`);
    fake.update({ ...printing(2075), print_status: { filename: 'z.gcode', uuid: 'u-9' } });
    await seen('print.started');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('"Find printers" lists an SDCP printer and a Centauri Carbon 2 from their discovery answers (127.0.0.1 only)', async () => {
    fake = new FakeCc2();
    await fake.listen();
    await fake.listenDiscovery();
    const sdcp = new FakeSdcp();
    await sdcp.listenDiscovery();
    try {
      h.settings({ printhooksElegooDiscovery: { address: '127.0.0.1', sdcpPort: sdcp.discoveryPort, cc2Port: fake.discoveryPort, timeoutMs: 300 } });
      await start([{ id: 'prn', type: 'printhooks-elegoo-printer', host: '127.0.0.1', model: 'cc' }]);
      const res = await helper.request().post('/printhooks-elegoo-printer/discover').send({}).expect(200);
      const printers = (res.body.printers as Array<{ host: string; model: string; mainboardId?: string }>).sort((a, b) => a.model.localeCompare(b.model));
      assert.deepEqual(printers.map((p) => [p.host, p.model, p.mainboardId]), [
        ['127.0.0.1', 'cc', sdcp.mainboardId],
        ['127.0.0.1', 'cc2', fake.serial],
      ]);
    } finally {
      await sdcp.close();
    }
  });
});
