/**
 * JSON from a printer, parsed with limits (docs/robustness.md). Every source reads its frames through
 * `parseBoundedJson`, so a frame that is too big, too deep or not UTF-8 is refused with a reason before
 * anything recursive (merges, structuredClone, Node-RED's msg cloning, JSON.stringify) ever sees it.
 */

/** Largest frame a source parses: real reports are a few KB, a full OctoPrint history a few hundred KB. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Deepest nesting of objects and arrays a source accepts; real printer data stays below 10. */
export const MAX_JSON_DEPTH = 64;

export interface JsonLimits {
  maxBytes?: number;
  maxDepth?: number;
}

export type BoundedJson = { ok: true; value: unknown } | { ok: false; reason: string };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The deepest nesting in a JSON text, counted without recursion and stopping as soon as `limit` is
 * passed (brackets inside strings do not count). Works on text that is not valid JSON too.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * Parses one frame (a websocket text frame or an MQTT payload). Never throws: a Buffer that is not
 * UTF-8, a frame over `maxBytes`, nesting deeper than `maxDepth` or text that is not JSON comes back
 * as `{ ok: false, reason }`, the reason fit for a log line.
 */
export function parseBoundedJson(data: string | Buffer, limits: JsonLimits = {}): BoundedJson {
  const maxBytes = limits.maxBytes ?? MAX_FRAME_BYTES;
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  let text: string;
  if (typeof data === 'string') {
    // A UTF-16 length is at most the UTF-8 byte length, so this check never refuses a frame under the limit.
    if (data.length > maxBytes) return { ok: false, reason: `frame larger than ${maxBytes} bytes` };
    text = data;
  } else {
    if (data.length > maxBytes) return { ok: false, reason: `frame larger than ${maxBytes} bytes` };
    try {
      text = strictUtf8.decode(data);
    } catch {
      return { ok: false, reason: 'not UTF-8' };
    }
  }
  if (jsonDepthExceeds(text, maxDepth)) return { ok: false, reason: `nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
}

/**
 * A copy of JSON data with everything nested deeper than `levels` left out (objects and arrays at
 * the cut become empty). Recursion is bounded by `levels`, so no input can exhaust the stack.
 */
export function boundedClone(value: unknown, levels = MAX_JSON_DEPTH): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return levels <= 0 ? [] : value.map((item) => boundedClone(item, levels - 1));
  const out: Record<string, unknown> = {};
  if (levels <= 0) return out;
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') continue;
    out[key] = boundedClone(item, levels - 1);
  }
  return out;
}
