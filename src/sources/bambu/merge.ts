import { boundedClone, MAX_JSON_DEPTH } from '../bounded-json';

/** The cached `print` object of a Bambu printer, built from every push_status report. */
export type BambuState = Record<string, unknown>;

/** Lists merged element by element on their `id` (AMS units and their trays); every other list is replaced whole. */
const MERGED_BY_ID: ReadonlySet<string> = new Set(['ams', 'tray']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeById(current: unknown[], patch: unknown[], depth: number): unknown[] {
  if (!patch.every((item) => isPlainObject(item) && item.id !== undefined)) return boundedClone(patch, MAX_JSON_DEPTH - depth) as unknown[];
  const out = current.map((item) => item);
  for (const item of patch as Array<Record<string, unknown>>) {
    const at = out.findIndex((old) => isPlainObject(old) && String(old.id) === String(item.id));
    if (at >= 0 && isPlainObject(out[at])) out[at] = mergeReport(out[at] as Record<string, unknown>, item, depth + 1);
    else out.push(boundedClone(item, MAX_JSON_DEPTH - depth - 1));
  }
  return out;
}

/**
 * Deep-merges one report into the cache, in place, and returns the cache. Never assumes the report is
 * full or a delta: objects merge key by key, `ams`/`tray` lists merge by id, other lists (hms, stg…) replace.
 * Bounded: parts nested deeper than MAX_JSON_DEPTH are left out (docs/robustness.md), so no report can
 * exhaust the stack.
 */
export function mergeReport(target: Record<string, unknown>, patch: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth >= MAX_JSON_DEPTH) return target;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const current = target[key];
    if (isPlainObject(value)) {
      target[key] = mergeReport(isPlainObject(current) ? current : {}, value, depth + 1);
    } else if (Array.isArray(value)) {
      if (depth + 1 >= MAX_JSON_DEPTH) continue;
      target[key] = MERGED_BY_ID.has(key) && Array.isArray(current) ? mergeById(current, value, depth + 1) : boundedClone(value, MAX_JSON_DEPTH - depth - 1);
    } else {
      target[key] = value;
    }
  }
  return target;
}
