/** Keys that would let a path reach an object's prototype: always refused. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

export function splitPath(path: string): string[] | undefined {
  if (typeof path !== 'string' || path.trim() === '') return undefined;
  const parts = path.trim().split('.');
  if (parts.some((p) => p === '' || FORBIDDEN_KEYS.has(p))) return undefined;
  return parts;
}

/**
 * Reads a dot path (`job.file`, `raw.hms.0.code`) from own properties only. Missing steps,
 * forbidden keys and non-objects give `undefined`; it never throws.
 */
export function getPath(root: unknown, path: string | readonly string[]): unknown {
  const parts = typeof path === 'string' ? splitPath(path) : path;
  if (!parts) return undefined;
  let current: unknown = root;
  for (const part of parts) {
    if (FORBIDDEN_KEYS.has(part)) return undefined;
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
