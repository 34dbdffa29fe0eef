import assert from 'node:assert/strict';
import { consoleMessage, displayMessage, spoolMaterial } from '../../../../src/sources/moonraker/messages';
import { startHarness, type Harness } from './harness';

const SPOOLS = {
  7: { id: 7, filament: { id: 3, name: 'Galaxy Black', material: 'PLA', color_hex: '1a1a2e', vendor: { name: 'Prusament' } }, remaining_weight: 800 },
  9: { id: 9, filament: { id: 4, name: 'Signal Orange', material: 'PETG', color_hex: 'FF6A13' } },
};

describe('moonraker printer messages and Spoolman material', function () {
  this.timeout(8000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('console lines: echo (RESPOND), action:notification, and with a prefix only the lines that carry it', () => {
    assert.deepEqual(consoleMessage('echo: Bed is free', ''), { text: 'Bed is free', source: 'RESPOND', level: 'info' });
    assert.deepEqual(consoleMessage('// action:notification Filament low', ''), { text: 'Filament low', source: 'action:notification', level: 'info' });
    assert.equal(consoleMessage('// Klipper state: Ready', ''), undefined, "Klipper's own output is not a message");
    assert.equal(consoleMessage('!! Move out of range', ''), undefined, 'errors are printer.error');
    assert.equal(consoleMessage('// action:prompt_begin Filament', ''), undefined);
    assert.equal(consoleMessage('B:60.0 /60.0', ''), undefined, 'a bare line counts only with a prefix');
    assert.deepEqual(consoleMessage('notify Bed is free', 'notify'), { text: 'Bed is free', source: 'RESPOND', level: 'info' }, 'RESPOND PREFIX=notify');
    assert.deepEqual(consoleMessage('echo: notify: Bed is free', 'notify'), { text: 'Bed is free', source: 'RESPOND', level: 'info' });
    assert.equal(consoleMessage('echo: Bed is free', 'notify'), undefined);
    assert.equal(consoleMessage('// action:notification Filament low', 'notify'), undefined);
    assert.deepEqual(displayMessage('notify: Layer 2', 'notify'), { text: 'Layer 2', source: 'M117', level: 'info' });
    assert.equal(displayMessage('', ''), undefined);
  });

  it('a Spoolman spool becomes type, #RRGGBB colour, name and spool id', () => {
    assert.deepEqual(spoolMaterial(7, SPOOLS[7]), { type: 'PLA', color: '#1A1A2E', name: 'Galaxy Black', spool_id: 7 });
    assert.deepEqual(spoolMaterial(5, undefined), { type: undefined, color: undefined, name: undefined, spool_id: 5 });
    assert.deepEqual(spoolMaterial(5, { filament: { color_hex: 'not a colour', material: 42 } }), { type: undefined, color: undefined, name: undefined, spool_id: 5 });
  });

  it('RESPOND and M117 over a real websocket: printer.message in the job, the M117 seen at connect is a baseline', async () => {
    h = await startHarness({ prepare: (fake) => (fake.objects.display_status = { message: 'Old text', progress: 0 }) });
    h.fake.update({ print_stats: { filename: 'cube.gcode', state: 'printing' } });
    await h.waitForType('print.started');
    h.fake.respond('Purge done');
    h.fake.m117('Layer 2 of 40');
    h.fake.respond('hello', { type: 'command' });
    h.fake.respond('Purge done');
    await h.waitForType('printer.message', 3);
    await h.settle();
    const messages = h.events.filter((e) => e.type === 'printer.message');
    assert.deepEqual(messages.map((e) => e.message), [
      { text: 'Purge done', source: 'RESPOND', level: 'info' },
      { text: 'Layer 2 of 40', source: 'M117', level: 'info' },
      { text: 'Purge done', source: 'RESPOND', level: 'info' },
    ]);
    const jobId = h.events.find((e) => e.type === 'print.started')?.job?.id;
    assert.ok(jobId);
    assert.ok(messages.every((e) => e.job?.id === jobId), 'each message names the job running');
    assert.notEqual(messages[0].id, messages[2].id, 'shown twice: two messages');

    // The socket drops and comes back: display_status still says "Layer 2 of 40", which is no new message.
    h.fake.dropClients();
    await h.waitFor(() => h!.fake.count('printer.objects.subscribe') >= 2);
    await h.settle(150);
    assert.equal(h.events.filter((e) => e.type === 'printer.message').length, 3);
  });

  it('a host prompt with a title is also printer.message (action:prompt, warning), like OctoPrint; one without a title is not', async () => {
    h = await startHarness();
    h.fake.gcode('// action:prompt_begin Load PLA and press continue');
    h.fake.gcode('// action:prompt_show');
    h.fake.gcode('// action:prompt_end');
    h.fake.gcode('// action:prompt_show');
    await h.waitForType('printer.attention', 2);
    await h.settle();
    assert.deepEqual(h.events.filter((e) => e.type === 'printer.message').map((e) => e.message), [{ text: 'Load PLA and press continue', source: 'action:prompt', level: 'warning' }]);
  });

  it('with a message prefix only RESPOND PREFIX=notify and "notify:" M117 texts become messages, without the prefix', async () => {
    h = await startHarness({ monitor: { messagePrefix: 'notify' } });
    h.fake.respond('Bed is free', { prefix: 'notify' });
    h.fake.respond('not for people');
    h.fake.m117('Layer 3');
    h.fake.m117('notify: Remove the part');
    await h.waitForType('printer.message', 2);
    await h.settle();
    assert.deepEqual(h.events.filter((e) => e.type === 'printer.message').map((e) => e.message?.text), ['Bed is free', 'Remove the part']);
  });

  it("Spoolman: the active spool at connect is a baseline; a new one is printer.material_changed with its filament; a reconnect does not re-fire", async () => {
    h = await startHarness({
      fake: { spoolman: true },
      prepare: (fake) => {
        fake.spools = SPOOLS;
        fake.activeSpool = 7;
      },
    });
    await h.waitFor(() => h!.fake.count('server.spoolman.get_spool_id') === 1);
    await h.settle();
    assert.equal(h.events.filter((e) => e.type === 'printer.material_changed').length, 0);
    h.fake.setActiveSpool(7);
    h.fake.setActiveSpool(9);
    const changed = await h.waitForType('printer.material_changed');
    assert.deepEqual(changed.material, { type: 'PETG', color: '#FF6A13', name: 'Signal Orange', spool_id: 9 });
    assert.equal(changed.job, undefined, 'no job running');
    h.fake.setActiveSpool(null);
    h.fake.dropClients();
    await h.waitFor(() => h!.fake.count('server.spoolman.get_spool_id') === 2);
    h.fake.setActiveSpool(null);
    await h.settle(150);
    assert.equal(h.events.filter((e) => e.type === 'printer.material_changed').length, 1);
    h.fake.setActiveSpool(7);
    const second = await h.waitForType('printer.material_changed', 2);
    assert.equal(second.material?.spool_id, 7);
    assert.notEqual(second.id, changed.id);
  });

  it('hostile frames: odd spool ids, non-string console lines and a 1 MB line neither crash nor fire anything odd', async () => {
    h = await startHarness({ fake: { spoolman: true }, prepare: (fake) => (fake.spools = SPOOLS) });
    await h.waitFor(() => h!.fake.count('server.spoolman.get_spool_id') === 1);
    await h.settle();
    for (const params of [[], ['x'], [null], [{ spool_id: '7' }], [{ spool_id: 1.5 }], [{ spool_id: -3 }], [{ spool_id: 1e308 }]]) {
      h.fake.sendRaw(JSON.stringify({ jsonrpc: '2.0', method: 'notify_active_spool_set', params }));
    }
    h.fake.sendRaw(JSON.stringify({ jsonrpc: '2.0', method: 'notify_gcode_response', params: [{ not: 'a line' }] }));
    h.fake.respond('x'.repeat(1_000_000));
    await h.waitForType('printer.message');
    await h.settle(100);
    assert.deepEqual(h.events.filter((e) => e.type === 'printer.material_changed').map((e) => e.material?.spool_id), []);
    const [message] = h.events.filter((e) => e.type === 'printer.message');
    assert.equal(message.message?.text.length, 500, 'cut to 500 characters');
    h.fake.setActiveSpool(9);
    await h.waitForType('printer.material_changed');
    assert.equal(h.events.filter((e) => e.type === 'printer.material_changed').at(-1)?.material?.type, 'PETG', 'still working');
  });

  it('a spool Spoolman cannot describe still fires with its id; a Moonraker without Spoolman is never asked', async () => {
    h = await startHarness({ fake: { spoolman: true }, prepare: (fake) => (fake.activeSpool = 1) });
    await h.waitFor(() => h!.fake.count('server.spoolman.get_spool_id') === 1);
    await h.settle();
    h.fake.setActiveSpool(404);
    const changed = await h.waitForType('printer.material_changed');
    assert.deepEqual(changed.material, { spool_id: 404 });
    assert.ok(h.warnings.some((w) => w.includes('Spoolman spool 404')), h.warnings.join('\n'));
    await h.stop();
    h = await startHarness();
    await h.settle(100);
    assert.equal(h.fake.count('server.spoolman.get_spool_id'), 0);
  });
});
