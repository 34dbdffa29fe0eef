/** The cached Centauri Carbon 2 status: the last full status (method 1002) with every delta (6000) merged in. */
export type Cc2State = Record<string, unknown>;

/** Deepest nesting merged; CC2 status is three levels deep (fans.fan.speed). */
export const MAX_MERGE_DEPTH = 8;
/** Most keys one object in the cache may hold: a printer inventing keys cannot grow it without end. */
export const MAX_MERGE_KEYS = 256;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copy(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return depth <= 0 ? [] : value.slice(0, MAX_MERGE_KEYS).map((v) => copy(v, depth - 1));
  if (isPlainObject(value)) return mergeCc2({}, value, depth);
  return value;
}

/**
 * Deep-merges one CC2 delta into the cache in place (docs/elegoo.md, "Centauri Carbon 2"): objects
 * merge key by key, arrays and scalars replace. Bounded: nothing below `depth` levels, at most
 * MAX_MERGE_KEYS keys per object, prototype keys skipped.
 */
export function mergeCc2(target: Record<string, unknown>, delta: Record<string, unknown>, depth = MAX_MERGE_DEPTH): Record<string, unknown> {
  if (depth <= 0) return target;
  let size = Object.keys(target).length;
  for (const [key, value] of Object.entries(delta)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (!Object.prototype.hasOwnProperty.call(target, key)) {
      if (size >= MAX_MERGE_KEYS) continue;
      size += 1;
    }
    const current = target[key];
    if (isPlainObject(value)) target[key] = mergeCc2(isPlainObject(current) ? current : {}, value, depth - 1);
    else target[key] = copy(value, depth - 1);
  }
  return target;
}
