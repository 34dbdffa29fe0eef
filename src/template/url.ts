import { RenderError, TemplateConfigError } from './errors';
import { renderSegments } from './body';
import type { MissingPolicy, Scope } from './scope';
import { tokenize, type Segment } from './tokenizer';

/** A URL template: literal parts as written, every inserted value URL-encoded. */
export interface CompiledUrl {
  segments: Segment[];
}

export function compileUrl(text: string, field = 'url'): CompiledUrl | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const segments = tokenize(trimmed, field);
  const head = typeof segments[0] === 'string' ? segments[0] : '';
  if (!/^https?:\/\/./i.test(head)) throw new TemplateConfigError(field, 'must start with http:// or https:// followed by a host');
  return { segments };
}

/**
 * Percent-encodes a value for any part of a URL (path segment, query value, fragment): `/ ? # & = %`
 * and spaces are escaped; `:` is kept because tokens such as Telegram's `123:ABC` need it in a path.
 */
export function encodeUrlValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

export function renderUrl(url: CompiledUrl, scope: Scope, policy: MissingPolicy): string {
  const text = renderSegments(url.segments, scope, policy, encodeUrlValue);
  try {
    const parsed = new URL(text);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new RenderError(`url: "${text}" is not a valid http(s) URL`);
  }
  return text;
}
