/** The cached status of one Creality printer: every field the printer has sent since the connection opened. */
export type CrealityState = Record<string, unknown>;

/** Bounds of the cache: real printers send about 80 fields (docs/creality.md, "Frames"). */
export const MAX_STATE_FIELDS = 512;
export const MAX_FIELD_NAME = 64;

const FORBIDDEN: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface MergeResult {
  /** The fields taken from the frame (the delta a listener sees). */
  delta: CrealityState;
  /** Fields left out: a bad name, or a new field beyond the cap. */
  dropped: number;
}

/**
 * Lays one partial frame over the cache, field by field (a present field replaces the cached one whole,
 * as Creality Print's own client does). New fields beyond MAX_STATE_FIELDS and odd names are dropped,
 * so a printer inventing fields cannot grow the cache without end.
 */
export function mergeStatus(state: CrealityState, frame: Record<string, unknown>): MergeResult {
  const delta: CrealityState = {};
  let dropped = 0;
  // Counted only when a new field comes: most frames carry known fields.
  let size = -1;
  for (const [key, value] of Object.entries(frame)) {
    if (FORBIDDEN.has(key) || key.length === 0 || key.length > MAX_FIELD_NAME) {
      dropped += 1;
      continue;
    }
    const known = Object.prototype.hasOwnProperty.call(state, key);
    if (!known) {
      if (size < 0) size = Object.keys(state).length;
      if (size >= MAX_STATE_FIELDS) {
        dropped += 1;
        continue;
      }
      size += 1;
    }
    state[key] = value;
    delta[key] = value;
  }
  return { delta, dropped };
}
