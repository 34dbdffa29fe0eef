import { RenderError } from './errors';
import { getPath } from '../path';
import type { Placeholder } from './tokenizer';

/** What placeholders are resolved against. */
export interface Scope {
  event: unknown;
  msg: Record<string, unknown>;
  specials: Partial<Record<string, unknown>>;
}

export type MissingPolicy = 'drop' | 'fail';

export const MISSING = Symbol('missing');

/**
 * The placeholder's value, its default, or MISSING. `null` counts as missing (docs/template.md: events
 * omit absent values rather than send null). With the `fail` policy a missing value without a default is a RenderError naming it.
 */
export function resolve(p: Placeholder, scope: Scope, policy: MissingPolicy): unknown {
  const root = p.root === 'event' ? scope.event : p.root === 'msg' ? scope.msg : scope.specials;
  const value = getPath(root, p.path);
  if (value !== undefined && value !== null) return value;
  if (p.fallback) return p.fallback.value;
  // a snapshot that cannot be had is dropped with a warning by the caller, never a failure
  if (p.root === 'special' && p.path[0] === '$snapshot') return MISSING;
  if (policy === 'fail') throw new RenderError(`placeholder {{${p.source}}} has no value`);
  return MISSING;
}

/** How a value reads inside text: strings as they are, everything else as JSON (never a language repr). */
export function asText(value: unknown): string {
  if (value === MISSING || value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
