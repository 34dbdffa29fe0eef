import { TemplateConfigError } from './errors';
import { renderSegments } from './body';
import type { MissingPolicy, Scope } from './scope';
import { tokenize, type Segment } from './tokenizer';

/** Extra headers: names as written (lower-cased), values are text templates. */
export type CompiledHeaders = [string, Segment[]][];

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function compileHeaders(text: string, field = 'headers'): CompiledHeaders {
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new TemplateConfigError(field, `not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TemplateConfigError(field, 'expected a JSON object such as {"X-Title": "{{printer.name}}"}');
  }
  const out: CompiledHeaders = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (!TOKEN.test(name)) throw new TemplateConfigError(field, `"${name}" is not a valid header name`);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TemplateConfigError(field, `the value of "${name}" must be text`);
    }
    out.push([name.toLowerCase(), tokenize(String(value), field)]);
  }
  return out;
}

/** Header values are always strings; CR and LF from inserted values become spaces (no header injection). */
export function renderHeaders(headers: CompiledHeaders, scope: Scope, policy: MissingPolicy): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, segments] of headers) {
    out[name] = renderSegments(segments, scope, policy).replace(/[\r\n]+/g, ' ');
  }
  return out;
}
