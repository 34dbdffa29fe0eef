import { FORBIDDEN_KEYS } from '../path';

/**
 * Placeholder paths: dot-separated keys and list indexes (`job.file`, `raw.hms.0.code`), checked when
 * the template is parsed (keys that reach an object's prototype are refused) and read with getPath.
 */
const SEGMENT = /^[^\s.{}|]+$/;

/** The segments of a path, or a reason it is not one. */
export function parsePath(text: string): string[] | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'empty placeholder';
  const parts = trimmed.split('.');
  for (const part of parts) {
    if (part === '') return `"${trimmed}" has an empty segment`;
    if (FORBIDDEN_KEYS.has(part)) return `"${trimmed}" goes through "${part}", which is refused`;
    if (!SEGMENT.test(part)) return `"${trimmed}" has an invalid segment "${part}"`;
  }
  return parts;
}
