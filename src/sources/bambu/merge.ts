/** The cached `print` object of a Bambu printer, built from every push_status report. */
export type BambuState = Record<string, unknown>;

/** Lists merged element by element on their `id` (AMS units and their trays); every other list is replaced whole. */
const MERGED_BY_ID: ReadonlySet<string> = new Set(['ams', 'tray']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeById(current: unknown[], patch: unknown[]): unknown[] {
  if (!patch.every((item) => isPlainObject(item) && item.id !== undefined)) return structuredClone(patch);
  const out = current.map((item) => item);
  for (const item of patch as Array<Record<string, unknown>>) {
    const at = out.findIndex((old) => isPlainObject(old) && String(old.id) === String(item.id));
    if (at >= 0 && isPlainObject(out[at])) out[at] = mergeReport(out[at] as Record<string, unknown>, item);
    else out.push(structuredClone(item));
  }
  return out;
}

/**
 * Deep-merges one report into the cache, in place, and returns the cache. Never assumes the report is
 * full or a delta: objects merge key by key, `ams`/`tray` lists merge by id, other lists (hms, stg…) replace.
 */
export function mergeReport(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const current = target[key];
    if (isPlainObject(value)) {
      target[key] = mergeReport(isPlainObject(current) ? current : {}, value);
    } else if (Array.isArray(value)) {
      target[key] = MERGED_BY_ID.has(key) && Array.isArray(current) ? mergeById(current, value) : structuredClone(value);
    } else {
      target[key] = value;
    }
  }
  return target;
}
