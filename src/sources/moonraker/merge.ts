import { boundedClone, MAX_JSON_DEPTH } from '../bounded-json';

/** Cached printer objects: name → fields, as the subscribe result and later diffs describe them. */
export type PrinterObjects = Record<string, Record<string, unknown>>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges a diff into target in place (docs/moonraker.md, "Connection": notify_status_update carries only the
 * fields that changed). Nested objects merge, arrays and scalars replace, null is a value (Klipper
 * reports null for unset fields such as print_stats.info.current_layer). Bounded: objects nested deeper
 * than MAX_JSON_DEPTH are left out (docs/robustness.md), so no diff can exhaust the stack.
 */
export function deepMerge(target: Record<string, unknown>, diff: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth >= MAX_JSON_DEPTH) return target;
  for (const [key, value] of Object.entries(diff)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) {
      deepMerge(current, value, depth + 1);
    } else if (isPlainObject(value)) {
      target[key] = deepMerge({}, value, depth + 1);
    } else {
      target[key] = Array.isArray(value) ? boundedClone(value, MAX_JSON_DEPTH - depth - 1) : value;
    }
  }
  return target;
}

/** Applies one status diff to the object cache; diff entries that are not objects are skipped. */
export function mergeStatus(cache: PrinterObjects, diff: unknown): boolean {
  if (!isPlainObject(diff)) return false;
  for (const [name, fields] of Object.entries(diff)) {
    if (!isPlainObject(fields) || name === '__proto__') continue;
    const existing = cache[name];
    if (existing) deepMerge(existing, fields, 1);
    else cache[name] = deepMerge({}, fields, 1);
  }
  return true;
}
