// Conformance of the template engine over every real capture in ../shared/fixtures (read at run time,
// nothing copied): each capture rides as the event's `raw`, and every preset and placeholder form must
// render it without throwing, keep whole values intact and insert text as JSON.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildEvent, EVENT_TYPES } from '../../src/event';
import { parseTemplateConfig, PRESET_NAMES, renderTemplate, RenderError } from '../../src/template';

const repoRoot = path.resolve(__dirname, '..', '..');
const root = process.env.PRINTHOOKS_SHARED_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures');

function jsonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? jsonFiles(full) : e.name.endsWith('.json') ? [full] : [];
  });
}

/** A few dot paths into a capture, list indexes included, to use as placeholders. */
function samplePaths(value: unknown, prefix: string[] = [], out: string[][] = [], depth = 0): string[][] {
  if (out.length >= 40 || depth > 4 || value === null || typeof value !== 'object') return out;
  const entries = Array.isArray(value) ? value.slice(0, 2).map((v, i) => [String(i), v] as const) : Object.entries(value).slice(0, 8);
  for (const [key, child] of entries) {
    if (!/^[^\s.{}|]+$/.test(key) || ['__proto__', 'prototype', 'constructor'].includes(key)) continue;
    out.push([...prefix, key]);
    samplePaths(child, [...prefix, key], out, depth + 1);
  }
  return out;
}

describe('conformance: templates over the shared real captures', () => {
  const files = jsonFiles(root);

  it('finds the shared captures', () => {
    assert.ok(files.length > 20, `only ${files.length} JSON files under ${root}`);
  });

  for (const file of files) {
    const name = path.relative(root, file);
    it(`${name}: whole values stay intact, text gets JSON, every preset renders`, async () => {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      const event = buildEvent({ type: 'printer.error', time: '2026-11-23T18:00:00.000Z', printer: { id: 'p', name: 'Fixture', kind: 'bambu' }, error: { message: 'x' }, raw });
      const paths = samplePaths(raw).map((p) => ['raw', ...p]);
      const body: Record<string, string> = {};
      paths.forEach((p, i) => {
        body[`v${i}`] = `{{${p.join('.')}}}`;
        body[`t${i}`] = `<{{${p.join('.')}}}>`;
      });
      const config = parseTemplateConfig({ body: JSON.stringify(body) });
      const out = (await renderTemplate(config, { payload: event }, { credentials: {} })).payload as Record<string, unknown>;
      paths.forEach((p, i) => {
        let expected: unknown = raw;
        for (const k of p.slice(1)) expected = (expected as Record<string, unknown>)[k];
        if (expected === null || expected === undefined) {
          assert.equal(out[`v${i}`], undefined);
          return;
        }
        assert.deepEqual(out[`v${i}`], expected, p.join('.'));
        assert.equal(out[`t${i}`], `<${typeof expected === 'string' ? expected : JSON.stringify(expected)}>`);
      });
      for (const preset of PRESET_NAMES.filter((n) => n !== 'custom')) {
        const cfg = parseTemplateConfig({ preset, recipient: 'r', identifier: '1' }, { token: 't', user: 'u' });
        for (const type of EVENT_TYPES) {
          try {
            await renderTemplate(cfg, { payload: { ...event, type } }, { credentials: { token: 't', user: 'u' } });
          } catch (err) {
            assert.ok(err instanceof RenderError, `${preset} ${type}: ${String(err)}`);
          }
        }
      }
    });
  }
});
