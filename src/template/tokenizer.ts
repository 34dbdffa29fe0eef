import { TemplateConfigError } from './errors';
import { parsePath } from './path';

/**
 * Placeholder syntax, scanned once, left to right, by hand (no regex over the whole text):
 *   {{path}}            the value at `path` (rooted at the event; `msg.` reaches the rest of the msg)
 *   {{path|default}}    the default when the value is missing; a JSON literal (42, true, "x") keeps its type
 *   {{$name}}           a value the node supplies: $snapshot (multipart), $token and $user (credentials)
 *   \{{                 a literal "{{" (in a JSON body write "\\{{")
 * Inserted values are never scanned again, so `{{`, `@` or e-mail addresses inside them stay literal.
 */
export interface Placeholder {
  kind: 'placeholder';
  /** The text between the braces, for error messages. */
  source: string;
  /** `event` paths are rooted at the event, `msg` at the msg, `special` names a node-supplied value. */
  root: 'event' | 'msg' | 'special';
  path: string[];
  fallback?: { value: unknown };
}

export type Segment = string | Placeholder;

export const SPECIALS = ['$snapshot', '$token', '$user'] as const;

export function tokenize(text: string, field: string): Segment[] {
  const segments: Segment[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('\\{{', i)) {
      literal += '{{';
      i += 3;
      continue;
    }
    if (!text.startsWith('{{', i)) {
      literal += text[i];
      i += 1;
      continue;
    }
    const close = text.indexOf('}}', i + 2);
    if (close < 0) throw new TemplateConfigError(field, `"{{" at character ${i + 1} is never closed with "}}" (write \\{{ for a literal "{{")`);
    const inner = text.slice(i + 2, close);
    if (inner.includes('{{')) throw new TemplateConfigError(field, `"{{" at character ${i + 1} is never closed with "}}"`);
    if (literal !== '') segments.push(literal);
    literal = '';
    segments.push(parsePlaceholder(inner, field));
    i = close + 2;
  }
  if (literal !== '') segments.push(literal);
  return segments;
}

function parsePlaceholder(inner: string, field: string): Placeholder {
  const bar = inner.indexOf('|');
  const pathText = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  const fallback = bar < 0 ? undefined : { value: parseDefault(inner.slice(bar + 1).trim()) };
  if (pathText.startsWith('$')) {
    if (!(SPECIALS as readonly string[]).includes(pathText)) {
      throw new TemplateConfigError(field, `unknown placeholder {{${pathText}}} (known: ${SPECIALS.join(', ')})`);
    }
    return { kind: 'placeholder', source: inner.trim(), root: 'special', path: [pathText], fallback };
  }
  const parts = parsePath(pathText);
  if (typeof parts === 'string') throw new TemplateConfigError(field, `placeholder {{${inner.trim()}}}: ${parts}`);
  if (parts[0] === 'msg') {
    if (parts.length === 1) throw new TemplateConfigError(field, 'placeholder {{msg}}: name a msg property such as {{msg.topic}}');
    return { kind: 'placeholder', source: inner.trim(), root: 'msg', path: parts.slice(1), fallback };
  }
  return { kind: 'placeholder', source: inner.trim(), root: 'event', path: parts, fallback };
}

/** `42`, `true`, `null`, `"quoted"` keep their JSON type; anything else is text as written. */
function parseDefault(text: string): unknown {
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|"([^"\\]|\\.)*")$/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function isWholePlaceholder(segments: Segment[]): segments is [Placeholder] {
  return segments.length === 1 && typeof segments[0] !== 'string';
}

export function placeholdersOf(segments: Segment[]): Placeholder[] {
  return segments.filter((s): s is Placeholder => typeof s !== 'string');
}
