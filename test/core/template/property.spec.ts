import assert from 'node:assert/strict';
import { EVENT_TYPES } from '../../../src/event';
import { parseTemplateConfig, PRESET_NAMES, renderTemplate, RenderError, TemplateConfigError, CONTENT_TYPES } from '../../../src/template';

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['{{', '}}', '{', '}', '|', '.', '\\{{', '@', ' ', 'job', 'file', 'printer', 'name', '0', '1', '__proto__', 'constructor',
  'prototype', 'msg', 'topic', '$token', '$snapshot', '$user', '$x', '"', 'é', '🧊', '\n', 'raw', 'hms', 'code', 'a', 'true', '42', '%', '/', '?', '#'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)];
}

function randomText(r: () => number, max = 12): string {
  let s = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i += 1) s += pick(r, PIECES);
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 3 || k < 0.35) return randomText(r);
  if (k < 0.45) return Math.floor(r() * 2000) - 1000;
  if (k < 0.5) return r() < 0.5;
  if (k < 0.55) return null;
  if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const obj: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i += 1) obj[r() < 0.1 ? '__proto__' : randomText(r, 3) || 'k'] = randomValue(r, depth + 1);
  return obj;
}

function randomEvent(r: () => number): Record<string, unknown> {
  const ev: Record<string, unknown> = {
    id: 'evt_x',
    type: r() < 0.9 ? pick(r, EVENT_TYPES) : randomText(r),
    time: r() < 0.9 ? new Date(1700000000000 + Math.floor(r() * 1e10)).toISOString() : randomText(r),
    printer: r() < 0.95 ? { id: randomText(r, 4), name: randomText(r, 6), kind: 'octoprint' } : randomValue(r, 2),
  };
  if (r() < 0.8) ev.job = { id: 'j', file: randomText(r), progress: r() * 100, layer: Math.floor(r() * 300), layers: 300, elapsed_s: r() * 1e5, remaining_s: r() < 0.5 ? r() * 1e5 : -5 };
  if (r() < 0.3) ev.error = { message: randomText(r), code: randomText(r, 3) };
  if (r() < 0.3) ev.reason = randomText(r);
  if (r() < 0.4) ev.raw = randomValue(r, 0);
  return ev;
}

describe('template property: random templates and events never throw', () => {
  it('custom templates: deploy either compiles or gives a TemplateConfigError; render resolves or gives a RenderError', async () => {
    const r = rng(20261123);
    let compiled = 0;
    for (let i = 0; i < 1500; i += 1) {
      const contentType = pick(r, CONTENT_TYPES);
      const bodyText = r() < 0.6 ? JSON.stringify(randomValue(r, 0)) : randomText(r, 20);
      const raw = { preset: 'custom', contentType, body: bodyText, missing: r() < 0.5 ? 'drop' : 'fail', url: r() < 0.3 ? `https://x.test/${randomText(r, 5)}` : '', headers: r() < 0.2 ? JSON.stringify({ 'X-A': randomText(r, 5) }) : '' };
      let config;
      try {
        config = parseTemplateConfig(raw, { token: 't' });
      } catch (err) {
        assert.ok(err instanceof TemplateConfigError, `seed case ${i}: ${String(err)}`);
        continue;
      }
      compiled += 1;
      try {
        const out = await renderTemplate(config, { payload: randomEvent(r), topic: randomText(r, 3) }, { credentials: { token: 't' }, fetchSnapshot: async () => Buffer.from('jpg') });
        assert.ok(typeof out.payload === 'string' || Buffer.isBuffer(out.payload) || (typeof out.payload === 'object' && out.payload !== null), `case ${i}`);
        if (contentType === 'json') JSON.stringify(out.payload);
        for (const v of Object.values(out.headers)) assert.ok(typeof v === 'string' && !/[\r\n]/.test(v));
      } catch (err) {
        assert.ok(err instanceof RenderError, `case ${i}: ${String(err)}`);
      }
    }
    assert.ok(compiled > 300, `only ${compiled} templates compiled; the generator is too hostile to be useful`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  });

  it('presets: any event renders or gives a RenderError', async () => {
    const r = rng(7);
    for (let i = 0; i < 1500; i += 1) {
      const name = pick(r, PRESET_NAMES);
      const raw = { preset: name, body: '{}', recipient: `x${randomText(r, 3)}`, link: randomText(r, 3), identifier: randomText(r, 2) };
      let config;
      try {
        config = parseTemplateConfig(raw, { token: randomText(r, 3) || 't', user: 'u' });
      } catch (err) {
        // SimplyPrint's webhook_id must be a positive integer: any other identifier is refused at deploy
        assert.ok(name === 'simplyprint' && /^identifier: /.test(String((err as Error).message)), `${name} case ${i}: ${String(err)}`);
        continue;
      }
      try {
        const out = await renderTemplate(config, { payload: randomEvent(r) }, { credentials: { token: 't', user: 'u' } });
        JSON.stringify(out.payload);
      } catch (err) {
        assert.ok(err instanceof RenderError, `${name} case ${i}: ${String(err)}`);
      }
    }
  });
});
