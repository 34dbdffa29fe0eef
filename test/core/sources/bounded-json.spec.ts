import assert from 'node:assert/strict';
import { boundedClone, jsonDepthExceeds, MAX_FRAME_BYTES, MAX_JSON_DEPTH, parseBoundedJson } from '../../../src/sources/bounded-json';

/** `{"a":{"a":…1…}}` nested `levels` deep, as text. */
function nestedText(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

describe('core/sources bounded JSON (every source parses its frames through it)', () => {
  it('parses ordinary frames, strings and Buffers alike', () => {
    assert.deepEqual(parseBoundedJson('{"print":{"mc_percent":5}}'), { ok: true, value: { print: { mc_percent: 5 } } });
    assert.deepEqual(parseBoundedJson(Buffer.from('[1,"é"]')), { ok: true, value: [1, 'é'] });
    const limit = parseBoundedJson(nestedText(MAX_JSON_DEPTH));
    assert.equal(limit.ok, true, 'exactly the depth limit is accepted');
  });

  it('refuses a frame nested 10,000 levels deep (60 KB) before JSON.parse, naming the limit', () => {
    const text = nestedText(10_000);
    assert.ok(text.length > 60_000);
    assert.deepEqual(parseBoundedJson(text), { ok: false, reason: `nested deeper than ${MAX_JSON_DEPTH} levels` });
    assert.equal(parseBoundedJson('['.repeat(MAX_JSON_DEPTH + 1)).ok, false, 'truncated deep text is refused too');
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ msg: '{'.repeat(500) + '\\"' + '['.repeat(500) });
    assert.equal(jsonDepthExceeds(text, 2), false);
    assert.equal(parseBoundedJson(text).ok, true);
  });

  it('refuses frames over the size limit, invalid UTF-8 and text that is not JSON', () => {
    const big = '{"x":"' + 'a'.repeat(MAX_FRAME_BYTES) + '"}';
    assert.deepEqual(parseBoundedJson(big), { ok: false, reason: `frame larger than ${MAX_FRAME_BYTES} bytes` });
    assert.deepEqual(parseBoundedJson(Buffer.from(big)), { ok: false, reason: `frame larger than ${MAX_FRAME_BYTES} bytes` });
    assert.deepEqual(parseBoundedJson(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), { ok: false, reason: 'not UTF-8' });
    assert.deepEqual(parseBoundedJson('{"print": {"gcode_state": '), { ok: false, reason: 'not JSON' });
    assert.deepEqual(parseBoundedJson(''), { ok: false, reason: 'not JSON' });
    assert.deepEqual(parseBoundedJson('{"a":1}', { maxBytes: 3 }), { ok: false, reason: 'frame larger than 3 bytes' });
  });

  it('boundedClone copies JSON data and cuts what is nested deeper than asked, without recursion past the cut', () => {
    const value = { a: [1, { b: 'x' }], c: null };
    const copy = boundedClone(value) as typeof value;
    assert.deepEqual(copy, value);
    assert.notEqual(copy.a, value.a);
    assert.deepEqual(boundedClone({ a: { b: { c: 1 } } }, 2), { a: { b: {} } });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    assert.doesNotThrow(() => boundedClone(deep));
    assert.deepEqual(boundedClone(JSON.parse('{"__proto__":{"polluted":1},"k":2}')), { k: 2 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
