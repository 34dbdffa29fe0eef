// Conformance of printer.message / printer.material_changed / printer.nozzle_changed (issue 19) over the
// shared captures and documented shapes, read at run time from ../shared/fixtures; nothing is copied.
// Which fixtures hold such data, and which do not, is listed in docs/octoprint.md, docs/moonraker.md
// and docs/bambu.md ("Conformance").
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { PrinterEvent } from '../../src/event';
import { BambuConnection } from '../../src/sources/bambu/connection';
import { loadedMaterial, reportedNozzle } from '../../src/sources/bambu/material';
import { mergeReport, type BambuState } from '../../src/sources/bambu/merge';
import { BambuMonitor } from '../../src/sources/bambu/monitor';
import { consoleMessage, displayMessage } from '../../src/sources/moonraker/messages';
import { parseFrame as parseRpc } from '../../src/sources/moonraker/jsonrpc';
import { SUBSCRIBE_MESSAGE } from '../../src/sources/octoprint/connection';
import { parseFrame } from '../../src/sources/octoprint/frames';
import { m117FromLog } from '../../src/sources/octoprint/messages';
import { OctoPrintMonitor } from '../../src/sources/octoprint/monitor';

const repoRoot = path.resolve(__dirname, '..', '..');
const root = process.env.PRINTHOOKS_SHARED_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures');
const json = <T = Record<string, unknown>>(...parts: string[]): T => JSON.parse(fs.readFileSync(path.join(root, ...parts), 'utf8')) as T;

/** The `print` object of a Bambu capture in either layout (see test/conformance/bambu.spec.ts). */
function bambuPrint(name: string): BambuState {
  let raw = json('bambu', name);
  if (raw.data && typeof raw.data === 'object') raw = raw.data as Record<string, unknown>;
  const pushall = raw.pushall as { print: BambuState } | undefined;
  return structuredClone(pushall ? pushall.print : (raw.push_all as BambuState));
}

function bambuMonitor(state: BambuState) {
  const connection = new BambuConnection({ host: '127.0.0.1', serial: 'S', accessCode: 'x', tls: { mode: 'insecure' } });
  const events: PrinterEvent[] = [];
  const monitor = new BambuMonitor({ printer: { id: 'p', name: 'p', kind: 'bambu' }, connection, emit: (e) => events.push(e), offlineDelayMs: 10_000 });
  monitor.baseline(state);
  return { monitor, events, info: () => events.filter((e) => e.type === 'printer.material_changed' || e.type === 'printer.nozzle_changed') };
}

const CAPTURES = fs.existsSync(path.join(root, 'bambu')) ? fs.readdirSync(path.join(root, 'bambu')).filter((f) => f.endsWith('.json') && f !== 'error-vectors.json').sort() : [];

/** What each capture has loaded (ams.tray_now → tray) and its nozzle, from the captures themselves. */
const LOADED: Record<string, { tray?: string; type?: string; color?: string }> = {
  'MOCK-P1PNOAMS.json': { tray: 'external', type: 'PETG', color: '#BCBCBC' },
  'MOCK-MISC.json': { tray: 'ams128/tray0' },
  'H2D.json': { tray: 'ams0/tray0', type: 'PLA', color: '#FFFFFF' },
  'MOCK-X1CMULTIAMS.json': {},
  'MOCK-A1.json': {},
};

describe('printer information conformance: Bambu captures', () => {
  it('finds the captures', () => {
    assert.ok(CAPTURES.length >= 16, `captures in ${root}/bambu`);
  });

  for (const name of CAPTURES) {
    it(`${name}: material and nozzle read from the report; connecting to it is a baseline (no change event)`, () => {
      const print = bambuPrint(name);
      const nozzle = reportedNozzle(print);
      assert.equal(nozzle?.value.diameter, 0.4, 'every capture reports a 0.4 mm nozzle');
      assert.equal(typeof nozzle?.value.type, 'string');
      const expected = LOADED[name];
      if (expected) {
        const material = loadedMaterial(print)?.value;
        assert.equal(material?.tray, expected.tray);
        if (expected.type) assert.equal(material?.type, expected.type);
        if (expected.color) assert.equal(material?.color, expected.color);
      }
      const { monitor, info } = bambuMonitor(mergeReport({}, print));
      assert.deepEqual(info(), []);
      monitor.dispose();
    });
  }

  it('X1C multi-AMS capture: loading each described tray in turn fires one material_changed per tray, with its filament', () => {
    const print = bambuPrint('MOCK-X1CMULTIAMS.json');
    const state = mergeReport({}, print);
    const { monitor, info } = bambuMonitor(state);
    const units = ((print.ams as Record<string, unknown>).ams as Array<{ id: string; tray: Array<{ id: string; tray_type?: string }> }>);
    const indexes = units.flatMap((u) => u.tray.filter((t) => t.tray_type).map((t) => (Number(u.id) >= 128 ? Number(u.id) : Number(u.id) * 4 + Number(t.id))));
    for (const index of indexes) {
      const d = { ams: { tray_now: String(index) } };
      mergeReport(state, d);
      monitor.report(d, state);
    }
    const events = info();
    assert.equal(events.length, indexes.length, `one event per loaded tray (${indexes.length})`);
    assert.ok(events.every((e) => e.type === 'printer.material_changed' && typeof e.material?.type === 'string' && /^#[0-9A-F]{6}$/.test(e.material.color ?? '')));
    assert.ok(events.some((e) => e.material?.tray === 'ams128/tray0'), 'the AMS HT tray');
    monitor.dispose();
  });

  it('H2D partial reports: the alternate nozzle info (device.nozzle) does not move the top-level nozzle, so no nozzle_changed', () => {
    const raw = json('bambu', 'H2D.json');
    const state = mergeReport({}, bambuPrint('H2D.json'));
    const { monitor, info } = bambuMonitor(state);
    for (const [key, partial] of Object.entries(raw).filter(([k]) => k.startsWith('push_') && k !== 'push_all')) {
      mergeReport(state, structuredClone(partial as BambuState));
      monitor.report(partial as BambuState, state);
      assert.deepEqual(info(), [], key);
    }
    monitor.dispose();
  });
});

describe('printer information conformance: Moonraker documented shapes', () => {
  it('notify_gcode_response: a plain console line is a message only when it carries the prefix', () => {
    const frame = parseRpc(JSON.stringify(json('moonraker', 'notify_gcode_response.json')));
    assert.equal(frame.kind, 'notification');
    const line = (frame as { params: unknown[] }).params[0] as string;
    assert.equal(consoleMessage(line, ''), undefined);
    const [first] = line.split(' ');
    assert.deepEqual(consoleMessage(line, first), { text: line.slice(first.length + 1), source: 'RESPOND', level: 'info' });
  });

  it('display_status: the documented object has an empty message, which is no M117', () => {
    const display = json('moonraker', 'printer-object.display_status.json');
    assert.equal(typeof display.message, 'string');
    assert.equal(displayMessage(display.message, ''), undefined);
  });

  it('sequence.print-error: its "!! " line is an error, never a printer.message', () => {
    const seq = json<{ messages: Array<Record<string, unknown>> }>('moonraker', 'sequence.print-error.authored.json');
    const lines = seq.messages.filter((m) => m.method === 'notify_gcode_response').map((m) => (m.params as string[])[0]);
    assert.ok(lines.some((l) => l.startsWith('!! ')));
    for (const line of lines) assert.equal(consoleMessage(line, ''), undefined, line);
  });
});

describe('printer information conformance: OctoPrint documented shapes', () => {
  it('our subscribe asks for logs with a regex string, the form the documented subscribe uses', () => {
    const documented = json<{ subscribe: { state: { logs: unknown } } }>('octoprint', 'ws.subscribe.request.json');
    assert.equal(typeof documented.subscribe.state.logs, 'string');
    assert.equal(typeof SUBSCRIBE_MESSAGE.subscribe.state.logs, 'string');
    assert.doesNotThrow(() => new RegExp(SUBSCRIBE_MESSAGE.subscribe.state.logs));
  });

  it('push.current.printing: its terminal send line (line number, checksum) is no M117; the same line carrying M117 is', () => {
    const body = json<{ current: { logs: string[] } }>('octoprint', 'push.current.printing.authored.json');
    const send = body.current.logs.find((l) => l.startsWith('Send: N'));
    assert.ok(send);
    assert.equal(new RegExp(SUBSCRIBE_MESSAGE.subscribe.state.logs).test(send), false, 'our filter lets no G1 through');
    assert.equal(m117FromLog(send, ''), undefined);
    const asM117 = send.replace(/^(Send: N\d+ )\S+( [^*]*)?/, '$1M117 Layer 5');
    assert.ok(new RegExp(SUBSCRIBE_MESSAGE.subscribe.state.logs).test(asM117));
    assert.deepEqual(m117FromLog(asM117, ''), { text: 'Layer 5', source: 'M117', level: 'info' });
    const m = new OctoPrintMonitor({ printer: { id: 'o', name: 'o', kind: 'octoprint' } });
    m.connected();
    m.handle(parseFrame(JSON.stringify({ history: body.current })));
    const events = m.handle(parseFrame(JSON.stringify({ current: { ...body.current, logs: [asM117] } })));
    assert.deepEqual(events.filter((e) => e.type === 'printer.message').map((e) => e.message?.text), ['Layer 5']);
  });
});
