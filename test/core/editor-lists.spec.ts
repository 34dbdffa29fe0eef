import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { EVENT_TYPES } from '../../src/event';
import { DEFAULT_SCHEDULE } from '../../src/delivery/retry-policy';
import { RATE_LIMIT_CHOICES } from '../../src/delivery/endpoint-limits';
import { SCHEMES } from '../../src/sign/scheme';
import { DEFAULT_HMAC_HEADER } from '../../src/sign/schemes/hmac-sha256';
import { DEFAULT_TOKEN_HEADER } from '../../src/sign/schemes/token';
import { CUSTOM_FIELDS, PRESETS, PRESET_FIELDS } from '../../src/template/presets';

const generator = require('../../scripts/generate-editor-lists.js') as { generate(coreDir: string, outFile: string): void };

type Lists = {
  eventTypes: string[];
  schemes: string[];
  schemeHeaders: Record<string, string>;
  presetFieldNames: string[];
  presetFields: Record<string, string[]>;
  retrySchedule: number[];
  rateLimits: string[];
};

/** Runs the generated browser script as the editor would, `times` times, and returns what it set. */
function loadInBrowserLike(file: string, times: number): { lists: Lists; first: unknown } {
  const window: { PrintHooksLists?: Lists } = {};
  const code = fs.readFileSync(file, 'utf8');
  let first: unknown;
  for (let i = 0; i < times; i++) {
    vm.runInNewContext(code, { window });
    if (i === 0) first = window.PrintHooksLists;
  }
  // JSON round trip: arrays made in another vm context have another Array prototype
  return { lists: JSON.parse(JSON.stringify(window.PrintHooksLists)) as Lists, first: window.PrintHooksLists === first ? 'same' : 'replaced' };
}

describe('scripts/generate-editor-lists: the editor lists come from the core', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-lists-'));
    file = path.join(dir, 'printhooks-lists.js');
    generator.generate(path.resolve(__dirname, '../../src'), file);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes every list exactly as the core has it', () => {
    const { lists } = loadInBrowserLike(file, 1);
    assert.deepEqual(lists.eventTypes, [...EVENT_TYPES]);
    assert.deepEqual(lists.rateLimits, [...RATE_LIMIT_CHOICES]);
    assert.deepEqual(lists.schemes, [...SCHEMES]);
    assert.deepEqual(lists.schemeHeaders, { 'hmac-sha256': DEFAULT_HMAC_HEADER, token: DEFAULT_TOKEN_HEADER });
    assert.deepEqual(lists.retrySchedule, [...DEFAULT_SCHEDULE]);
    assert.deepEqual(lists.presetFieldNames, [...PRESET_FIELDS]);
    assert.deepEqual(Object.keys(lists.presetFields).sort(), [...PRESETS.keys(), 'custom'].sort());
    for (const [name, preset] of PRESETS) assert.deepEqual(lists.presetFields[name], [...preset.fields], name);
    assert.deepEqual(lists.presetFields.custom, [...CUSTOM_FIELDS]);
  });

  it('is safe to load twice: the second load keeps the first object', () => {
    const { lists, first } = loadInBrowserLike(file, 2);
    assert.equal(first, 'same');
    assert.deepEqual(lists.schemes, [...SCHEMES]);
  });
});
