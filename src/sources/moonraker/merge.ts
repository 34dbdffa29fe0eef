/** Cached printer objects: name → fields, as the subscribe result and later diffs describe them. */
export type PrinterObjects = Record<string, Record<string, unknown>>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges a diff into target in place (docs/moonraker.md, "Connection": notify_status_update carries only the
 * fields that changed). Nested objects merge, arrays and scalars replace, null is a value (Klipper
 * reports null for unset fields such as print_stats.info.current_layer).
 */
export function deepMerge(target: Record<string, unknown>, diff: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(diff)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) {
      deepMerge(current, value);
    } else if (isPlainObject(value)) {
      target[key] = deepMerge({}, value);
    } else {
      target[key] = value;
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
    if (existing) deepMerge(existing, fields);
    else cache[name] = deepMerge({}, fields);
  }
  return true;
}
