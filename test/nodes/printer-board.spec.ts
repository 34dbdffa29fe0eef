import { strict as assert } from 'assert';
import { buildEvent, type PrinterRef } from '../../src/event';
import { printerBoard } from '../../nodes/shared/printer-board';

const VORON: PrinterRef = { id: 'voron-1', name: 'Voron 2.4', kind: 'moonraker' };

describe('printer board (the sidebar\'s printers)', () => {
  afterEach(() => printerBoard.clear());

  it('shows the link, the state and job the events imply, and the last event; an unnamed source takes the printer\'s name', () => {
    const feed = printerBoard.attach('cfg1', VORON, { id: 'src1', name: '' });
    feed.status({ fill: 'green', text: 'connected' });
    feed.event(buildEvent({ type: 'print.started', printer: VORON, job: { id: 'j1', file: 'benchy.gcode' } }));
    feed.event(buildEvent({ type: 'print.progress', printer: VORON, job: { id: 'j1', progress: 42 }, discriminator: 42 }));
    let [row] = printerBoard.list();
    assert.deepEqual([row.name, row.platform, row.connection, row.state, row.job], ['Voron 2.4', 'moonraker', { fill: 'green', text: 'connected' }, 'printing', { file: 'benchy.gcode', progress: 42 }]);
    assert.deepEqual(row.sources, [{ id: 'src1', name: 'Voron 2.4' }]);
    assert.equal(row.lastEvent?.type, 'print.progress');
    feed.event(buildEvent({ type: 'print.done', printer: VORON, job: { id: 'j1' } }));
    [row] = printerBoard.list();
    assert.deepEqual([row.state, row.job?.progress, row.job?.file], ['done', 100, 'benchy.gcode']);
  });

  it('keeps a printer across a redeploy (detach, attach) and lists only printers a source follows', () => {
    const first = printerBoard.attach('cfg1', VORON, { id: 'src1', name: 'Left' });
    first.event(buildEvent({ type: 'printer.offline', printer: VORON }));
    first.detach();
    assert.deepEqual(printerBoard.list(), []);
    printerBoard.attach('cfg1', VORON, { id: 'src1', name: 'Left' });
    const [row] = printerBoard.list();
    assert.deepEqual([row.state, row.lastEvent?.type, row.sources.map((s) => s.name)], ['offline', 'printer.offline', ['Left']]);
  });

  it('cuts long texts and forgets printers no source follows once many were seen', () => {
    const feed = printerBoard.attach('cfg1', { ...VORON, name: 'x'.repeat(5000) }, { id: 'src1' });
    feed.status({ fill: 'red', text: 'y'.repeat(5000) });
    const [row] = printerBoard.list();
    assert.ok(row.name.length < 300 && row.connection!.text.length < 300);
    feed.detach();
    for (let i = 0; i < 1200; i += 1) printerBoard.attach(`gone-${i}`, { ...VORON, id: `p${i}` }, { id: `s${i}` }).detach();
    const live = printerBoard.attach('live', VORON, { id: 'live-src' });
    live.status({ text: 'ok' });
    assert.deepEqual(printerBoard.list().map((r) => r.id), ['live']);
    assert.ok((printerBoard as unknown as { rows: Map<string, unknown> }).rows.size <= 1001);
  });
});
