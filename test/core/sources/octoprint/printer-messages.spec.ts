import assert from 'node:assert/strict';
import type { PrinterEvent } from '../../../../src/event';
import { OctoPrintConnection } from '../../../../src/sources/octoprint/connection';
import { parseFrame } from '../../../../src/sources/octoprint/frames';
import { m117FromLog, pluginMessage } from '../../../../src/sources/octoprint/messages';
import { spoolInList, spoolSelection } from '../../../../src/sources/octoprint/spoolman';
import { OctoPrintMonitor } from '../../../../src/sources/octoprint/monitor';
import { FakeOctoPrint } from '../../../fakes/octoprint/fake-octoprint';
import { event, filePayload, history, plugin, stateBody } from './messages';
import { sleep, waitFor } from './wait';

const printer = { id: 'octoprint-test', name: 'Ender', kind: 'octoprint' as const };

function currentWithLogs(logs: string[], printing = false) {
  const body = stateBody(printing ? { text: 'Printing', flags: { printing: true, ready: false }, completion: 10 } : {});
  return parseFrame(JSON.stringify({ current: { ...body, logs } }));
}

describe('octoprint printer messages (M117, action:notification, action:prompt) and the Spoolman plugin', function () {
  this.timeout(8000);

  it('reads M117 from terminal send lines, with or without line number and checksum, and honours the prefix', () => {
    assert.deepEqual(m117FromLog('Send: M117 Heating', ''), { text: 'Heating', source: 'M117', level: 'info' });
    assert.deepEqual(m117FromLog('Send: N1234 M117 Layer 3/40*87', ''), { text: 'Layer 3/40', source: 'M117', level: 'info' });
    assert.equal(m117FromLog('Send: M117', ''), undefined, 'an empty M117 clears the display: no message');
    assert.equal(m117FromLog('Recv: ok', ''), undefined);
    assert.equal(m117FromLog('Send: M1170 x', ''), undefined);
    assert.equal(m117FromLog(42, ''), undefined);
    assert.equal(m117FromLog('Send: M117 Layer 3', 'notify'), undefined);
    assert.deepEqual(m117FromLog('Send: N9 M117 notify: Bed is free*12', 'notify'), { text: 'Bed is free', source: 'M117', level: 'info' });
    assert.deepEqual(pluginMessage('action_command_notification', { message: 'Filament low' }, ''), { text: 'Filament low', source: 'action:notification', level: 'info' });
    assert.deepEqual(pluginMessage('action_command_prompt', { action: 'show', text: 'Press to continue' }, ''), { text: 'Press to continue', source: 'action:prompt', level: 'warning' });
    assert.equal(pluginMessage('action_command_prompt', { action: 'close' }, ''), undefined);
    assert.equal(pluginMessage('action_command_notification', { message: 7 }, ''), undefined);
    assert.equal(pluginMessage('other', { message: 'x' }, ''), undefined);
  });

  it('M117 in current logs becomes printer.message in the job; the history backlog after a reconnect does not', () => {
    const m = new OctoPrintMonitor({ printer });
    m.connected();
    const handle = (frames: ReturnType<typeof event>[]): PrinterEvent[] => frames.flatMap((f) => m.handle(f));
    assert.deepEqual(handle([history({ file: null })]), []);
    const started = handle([event('PrintStarted', filePayload())]);
    const all = handle([currentWithLogs(['Send: N10 M117 Layer 2*33', 'Recv: ok'], true), plugin('action_command_notification', { message: 'Filament low' })]);
    const events = all.filter((e) => e.type !== 'print.progress');
    assert.deepEqual(events.map((e) => [e.type, e.message?.source, e.message?.text]), [
      ['printer.message', 'M117', 'Layer 2'],
      ['printer.message', 'action:notification', 'Filament low'],
    ]);
    assert.equal(events[0].job?.id, started[0].job?.id);
    m.disconnected();
    m.connected();
    const backlog = parseFrame(JSON.stringify({ history: { ...stateBody({ text: 'Printing', flags: { printing: true, ready: false }, completion: 12 }), logs: ['Send: N10 M117 Layer 2*33'] } }));
    assert.deepEqual(m.handle(backlog).filter((e) => e.type === 'printer.message'), [], 'the backlog is the past');
  });

  it('hostile logs and plugin data: non-strings, a 100 000-line backlog and huge texts are bounded and never throw', () => {
    const m = new OctoPrintMonitor({ printer });
    m.connected();
    m.handle(history({ file: null }));
    const lines: unknown[] = [null, 7, { a: 1 }, ['Send: M117 x'], `Send: M117 ${'y'.repeat(5000)}`];
    for (let i = 0; i < 100_000; i += 1) lines.push(`Send: N${i} M117 line ${i}*1`);
    const events = m.handle(parseFrame(JSON.stringify({ current: { ...stateBody({}), logs: lines } })));
    assert.equal(events.length, 50, 'only the newest 50 lines of one message are read');
    assert.equal(events.at(-1)?.message?.text, 'line 99999');
    assert.deepEqual(m.handle(plugin('action_command_notification', { message: { text: 'x' } })), []);
    const [long] = m.handle(plugin('action_command_notification', { message: 'z'.repeat(100_000) }));
    assert.equal(long.message?.text.length, 500);
  });

  it('over the fake: subscribes to M117 send lines only, and delivers notification and M117 as printer.message', async () => {
    const fake = await new FakeOctoPrint().start();
    const events: PrinterEvent[] = [];
    const conn = new OctoPrintConnection({ url: fake.url, apiKey: fake.apiKey, backoffBaseMs: 20, pingIntervalMs: 200 });
    const monitor = new OctoPrintMonitor({ printer, connection: conn, emit: (e) => events.push(e), messagePrefix: '' });
    try {
      conn.start();
      await waitFor(() => fake.authedSockets === 1, 'an authenticated socket');
      await sleep(50);
      fake.terminal(['Send: N3 M105*34', 'Recv: ok T:21.0 /0.0 B:20.0 /0.0', 'Send: M117 Hello']);
      fake.notification('Filament low');
      await waitFor(() => events.filter((e) => e.type === 'printer.message').length === 2, 'two messages');
      await sleep(50);
      const messages = events.filter((e) => e.type === 'printer.message');
      assert.deepEqual(messages.map((e) => e.message), [
        { text: 'Hello', source: 'M117', level: 'info' },
        { text: 'Filament low', source: 'action:notification', level: 'info' },
      ]);
      assert.equal(messages[0].job, undefined, 'between jobs');
    } finally {
      monitor.dispose();
      await conn.stop();
      await fake.stop();
    }
  });

  it("Spoolman plugin events: the tool and the spool id (a string in the payload); odd payloads are nothing", () => {
    assert.deepEqual(spoolSelection({ toolIdx: 0, spoolId: '12' }), { tray: 'tool0', spoolId: 12 });
    assert.deepEqual(spoolSelection({ toolIdx: 1, spoolId: null }), { tray: 'tool1', spoolId: undefined });
    for (const payload of [{}, { toolIdx: -1, spoolId: '1' }, { toolIdx: 1.5, spoolId: '1' }, { toolIdx: '0', spoolId: '1' }, { toolIdx: 999, spoolId: '1' }]) assert.equal(spoolSelection(payload), undefined, JSON.stringify(payload));
    assert.equal(spoolSelection({ toolIdx: 0, spoolId: '1e9' })?.spoolId, undefined);
    assert.deepEqual(spoolInList({ data: { spools: [null, { id: 3 }, { id: 12, filament: {} }] } }, 12), { id: 12, filament: {} });
    assert.equal(spoolInList({ data: { spools: 'x' } }, 12), undefined);
    assert.equal(spoolInList(null, 12), undefined);
  });

  it('a spool chosen for a tool is printer.material_changed once (the same spool again is nothing), in the job', () => {
    const m = new OctoPrintMonitor({ printer });
    m.connected();
    m.handle(history({ file: null }));
    const [started] = m.handle(event('PrintStarted', filePayload()));
    const events = [
      ...m.handle(event('plugin_Spoolman_spool_selected', { toolIdx: 0, spoolId: '12' })),
      ...m.handle(event('plugin_Spoolman_spool_selected', { toolIdx: 0, spoolId: '12' })),
      ...m.handle(event('plugin_Spoolman_spool_selected', { toolIdx: 0, spoolId: null })),
      ...m.handle(event('plugin_Spoolman_spool_selected', { toolIdx: 1, spoolId: '12' })),
    ];
    assert.deepEqual(events.map((e) => [e.type, e.material]), [
      ['printer.material_changed', { spool_id: 12, tray: 'tool0' }],
      ['printer.material_changed', { spool_id: 12, tray: 'tool1' }],
    ]);
    assert.equal(events[0].job?.id, started.job?.id);
  });

  it("over the fake: the spool's filament comes from the plugin's spool list; without the plugin's list the event keeps the id", async () => {
    const fake = await new FakeOctoPrint().start();
    fake.spoolmanSpools = [{ id: 4, filament: { name: 'Galaxy Black', material: 'PLA', color_hex: '1a1a2e' } }, { id: 9, filament: { name: 'Signal Orange', material: 'PETG', color_hex: 'FF6A13' } }];
    const events: PrinterEvent[] = [];
    const warnings: string[] = [];
    const conn = new OctoPrintConnection({ url: fake.url, apiKey: fake.apiKey, backoffBaseMs: 20, pingIntervalMs: 200, log: (_l, m) => warnings.push(m) });
    const monitor = new OctoPrintMonitor({ printer, connection: conn, emit: (e) => events.push(e) });
    const changes = () => events.filter((e) => e.type === 'printer.material_changed');
    try {
      conn.start();
      await waitFor(() => fake.authedSockets === 1, 'an authenticated socket');
      fake.selectSpool(0, 9);
      await waitFor(() => changes().length === 1, 'material_changed');
      assert.deepEqual(changes()[0].material, { type: 'PETG', color: '#FF6A13', name: 'Signal Orange', spool_id: 9, tray: 'tool0' });
      assert.ok(fake.requests.includes('GET /plugin/Spoolman/spoolman/spools'));
      fake.spoolmanSpools = undefined;
      fake.selectSpool(0, 4);
      await waitFor(() => changes().length === 2, 'second material_changed');
      assert.deepEqual(changes()[1].material, { spool_id: 4, tray: 'tool0' });
      assert.ok(warnings.some((w) => w.includes('Spoolman')), warnings.join('\n'));
    } finally {
      monitor.dispose();
      await conn.stop();
      await fake.stop();
    }
  });
});
