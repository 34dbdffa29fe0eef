/**
 * Placeholder paths: dot-separated keys and list indexes (`job.file`, `raw.hms.0.code`), read from
 * own properties only. Keys that reach an object's prototype are refused when the template is parsed.
 */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const SEGMENT = /^[^\s.{}|]+$/;

/** The segments of a path, or a reason it is not one. */
export function parsePath(text: string): string[] | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'empty placeholder';
  const parts = trimmed.split('.');
  for (const part of parts) {
    if (part === '') return `"${trimmed}" has an empty segment`;
    if (FORBIDDEN.has(part)) return `"${trimmed}" goes through "${part}", which is refused`;
    if (!SEGMENT.test(part)) return `"${trimmed}" has an invalid segment "${part}"`;
  }
  return parts;
}

/** The value at a path, or undefined when any step is missing or not an object/list. Never throws. */
export function lookup(root: unknown, parts: readonly string[]): unknown {
  let current: unknown = root;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    if (FORBIDDEN.has(part)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
