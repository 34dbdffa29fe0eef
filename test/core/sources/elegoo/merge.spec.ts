import assert from 'node:assert/strict';
import { MAX_MERGE_DEPTH, MAX_MERGE_KEYS, mergeCc2 } from '../../../../src/sources/elegoo/merge';

describe('elegoo CC2 delta merge', () => {
  it('merges nested objects key by key and replaces arrays and scalars', () => {
    const state: Record<string, unknown> = { machine_status: { status: 2, sub_status: 2075, exception_status: [1] }, print_status: { total_layer: 200, current_layer: 3 } };
    mergeCc2(state, { machine_status: { sub_status: 2502, exception_status: [] }, print_status: { current_layer: 4 } });
    assert.deepEqual(state, { machine_status: { status: 2, sub_status: 2502, exception_status: [] }, print_status: { total_layer: 200, current_layer: 4 } });
  });

  it('is bounded: depth, keys per object, prototype keys', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50; i++) deep = { d: deep };
    const state: Record<string, unknown> = {};
    mergeCc2(state, deep);
    let depth = 0;
    let node: unknown = state;
    while (node && typeof node === 'object' && 'd' in (node as object)) {
      node = (node as Record<string, unknown>).d;
      depth += 1;
    }
    assert.ok(depth <= MAX_MERGE_DEPTH, `depth ${depth}`);
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < MAX_MERGE_KEYS * 2; i++) wide[`k${i}`] = i;
    const target: Record<string, unknown> = {};
    mergeCc2(target, wide);
    assert.equal(Object.keys(target).length, MAX_MERGE_KEYS);
    mergeCc2(target, JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"x": 1}}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
