import { strict as assert } from 'assert';
import { EVENT_TYPES } from '../../../src/event';
import { RenderError } from '../../../src/template';
import { PRESETS, PRESET_FIELDS, type PresetField } from '../../../src/template/presets';
import { event } from './helpers';

// Each option and credential set to a value that can be found again in what a preset renders
// (the identifier is numeric because SimplyPrint reads it as its webhook_id).
const options = { recipient: 'SENTINEL-recipient', link: 'https://sentinel-link.example/', identifier: '424242' };
const credentials = { token: 'SENTINEL-token', user: 'SENTINEL-user' };
const marks: Record<Exclude<PresetField, 'snapshot'>, RegExp> = {
  recipient: /SENTINEL-recipient/,
  link: /sentinel-link\.example/,
  identifier: /424242/,
  token: /SENTINEL-token|\{\{\$token\}\}/,
  user: /SENTINEL-user|\{\{\$user\}\}/,
};

/** Everything a preset puts on the wire for every event type, its default URL included. */
function renderedText(name: string): string {
  const preset = PRESETS.get(name)!;
  const parts = [preset.defaultUrl ?? ''];
  for (const type of EVENT_TYPES) {
    let out;
    try {
      out = preset.render({ event: event({ type, error: { message: 'jam', code: 'E1' } }), options, credentials });
    } catch (err) {
      // some targets have no counterpart for some event types; the others show what the preset reads
      if (err instanceof RenderError) continue;
      throw err;
    }
    parts.push(JSON.stringify(out.body), JSON.stringify(out.headers ?? {}));
  }
  return parts.join('\n');
}

describe('template/presets: fields (the rows the editor shows)', () => {
  for (const [name, preset] of PRESETS) {
    it(`${name}: declares exactly the options and credentials it reads`, () => {
      const text = renderedText(name);
      const read = (Object.keys(marks) as (keyof typeof marks)[]).filter((field) => marks[field].test(text));
      assert.deepEqual([...preset.fields].filter((f) => f !== 'snapshot').sort(), read.sort());
      assert.equal(preset.fields.includes('snapshot'), Boolean(preset.snapshotLimit), 'snapshot row iff the preset can attach one');
      for (const need of preset.requires ?? []) assert.ok(preset.fields.includes(need), `${need} is required, so it is a field`);
      for (const field of preset.fields) assert.ok(PRESET_FIELDS.includes(field));
    });
  }
});
