import assert from 'node:assert/strict';
import { EVENT_TYPES, type EventType, type PrinterEvent } from '../../../src/event';
import { PRESETS, sampleEvent } from '../../../src/template';
import { render } from './helpers';

/**
 * Every preset × every event type (issue 19): a preset renders each type sensibly — chat and push presets
 * with the headline and the facts a person needs — or refuses it with a message that names the type and
 * says to filter it out. The expectations are written here by hand, not read from the presets.
 */
const REFUSED: Record<string, readonly EventType[]> = {
  octoeverywhere: ['printer.online', 'printer.offline', 'printer.message', 'printer.material_changed', 'printer.nozzle_changed', 'printer.maintenance_due'],
  simplyprint: EVENT_TYPES.filter((t) => !['print.started', 'print.paused', 'print.resumed', 'print.done', 'print.failed', 'print.cancelled', 'test'].includes(t)),
};

/** What a person must read for each type (besides the headline): the facts of the sample event. */
const FACTS: Partial<Record<EventType, string[]>> = {
  'print.started': ['benchy.gcode'],
  'print.progress': ['benchy.gcode', '50%'],
  'print.layer': ['benchy.gcode', 'layer 2'],
  'print.done': ['benchy.gcode', '2h 13m'],
  'print.failed': ['benchy.gcode', 'Heater extruder not heating'],
  'print.paused': ['filament runout'],
  'printer.error': ['The task was cancelled'],
  'printer.message': ['Filament change: load PETG'],
  'printer.material_changed': ['PETG', '#FF6A13', 'ams0/tray2'],
  'printer.nozzle_changed': ['0.6 mm', 'hardened steel'],
  'printer.maintenance_due': ['lubricate rods', '200 print hours'],
};

const HEADLINES: Record<EventType, string> = {
  'print.started': 'Print started', 'print.progress': 'Print progress', 'print.layer': 'New layer', 'print.paused': 'Print paused',
  'print.resumed': 'Print resumed', 'print.done': 'Print finished', 'print.failed': 'Print failed', 'print.cancelled': 'Print cancelled',
  'printer.error': 'Printer error', 'printer.attention': 'Printer needs attention', 'printer.online': 'Printer online',
  'printer.offline': 'Printer offline', 'printer.bed_cooled': 'Bed cooled down', 'printer.message': 'Printer message',
  'printer.material_changed': 'Material changed', 'printer.nozzle_changed': 'Nozzle changed', 'printer.maintenance_due': 'Maintenance due',
  test: 'Test notification',
};

const PERSON_FACING = new Set(['discord', 'slack', 'teams', 'ntfy', 'telegram', 'pushover', 'gotify', 'ifttt']);

/** Every text value in a body, joined; form bodies decoded, Gotify's Markdown escapes removed. */
function visibleText(name: string, payload: unknown): string {
  if (typeof payload === 'string') return [...new URLSearchParams(payload).values()].join('\n');
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') texts.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(payload);
  const text = texts.join('\n');
  return name === 'gotify' ? text.replace(/\\(.)/g, '$1') : text;
}

const options = { recipient: '123456789', link: 'http://octopi.local', identifier: '42' };
const credentials = { token: 'tok-123', user: 'user-456' };

describe('template presets × every event type', () => {
  it('the table covers every preset', () => {
    const known = new Set(['canonical', 'standard-webhooks', 'octoprint-webhooks', 'octoeverywhere', 'simplyprint', 'home-assistant', ...PERSON_FACING]);
    assert.deepEqual([...PRESETS.keys()].filter((n) => !known.has(n)), []);
  });

  for (const name of PRESETS.keys()) {
    for (const type of EVENT_TYPES) {
      const refused = (REFUSED[name] ?? []).includes(type);
      it(`${name} × ${type}: ${refused ? 'refused, naming the type' : 'rendered with its facts'}`, async () => {
        const event = sampleEvent(type, '2026-11-23T18:00:00.000Z');
        const attempt = render({ preset: name, ...options }, { payload: event, topic: type }, credentials);
        if (refused) {
          await assert.rejects(attempt, (err: Error) => err.message.startsWith(`preset ${name}: `) && err.message.includes(type) && /filter it out/.test(err.message));
          return;
        }
        const out = await attempt;
        const payload = Buffer.isBuffer(out.payload) ? out.payload.toString('utf8') : out.payload;
        if (name === 'canonical' || name === 'standard-webhooks') {
          const data = (name === 'canonical' ? payload : (payload as { data: unknown }).data) as PrinterEvent;
          assert.deepEqual(data, event);
          return;
        }
        const text = visibleText(name, payload);
        if (PERSON_FACING.has(name) || name === 'home-assistant' || name === 'octoprint-webhooks') {
          if (name !== 'ifttt') assert.ok(text.includes(HEADLINES[type]), `${name} ${type}: no headline in ${text}`);
          for (const fact of FACTS[type] ?? []) assert.ok(text.includes(fact), `${name} ${type}: "${fact}" missing from ${text}`);
        }
      });
    }
  }

  it('home-assistant: the printer-information fields are flat keys an automation reads', async () => {
    const material = await render({ preset: 'home-assistant' }, { payload: sampleEvent('printer.material_changed', '2026-11-23T18:00:00.000Z') });
    assert.deepEqual(
      (({ material_type, material_color, material_tray, material_name }) => ({ material_type, material_color, material_tray, material_name }))(material.payload as Record<string, unknown>),
      { material_type: 'PETG', material_color: '#FF6A13', material_tray: 'ams0/tray2', material_name: 'PETG Basic' },
    );
    const due = (await render({ preset: 'home-assistant' }, { payload: sampleEvent('printer.maintenance_due') })).payload as Record<string, unknown>;
    assert.deepEqual([due.maintenance_task, due.maintenance_counter, due.maintenance_every, due.maintenance_value], ['lubricate rods', 'print_hours', 200, 201.5]);
  });

  it('octoprint-webhooks: a printer message is a Custom Event carrying the text in extra', async () => {
    const out = (await render({ preset: 'octoprint-webhooks' }, { payload: sampleEvent('printer.message') })).payload as Record<string, Record<string, unknown>>;
    assert.equal(out.topic as unknown, 'Custom Event');
    assert.equal(out.extra.printerMessage, 'Filament change: load PETG');
    assert.equal(out.message as unknown, 'Printer message: Filament change: load PETG');
  });
});
