import { TemplateConfigError } from './errors';
import { MISSING, asText, resolve, type MissingPolicy, type Scope } from './scope';
import { isWholePlaceholder, placeholdersOf, tokenize, type Placeholder, type Segment } from './tokenizer';

/**
 * A body template compiled once at deploy: a JSON value whose strings may hold placeholders (keys are
 * never templated), or a plain text with placeholders.
 */
export type CompiledNode =
  | { kind: 'literal'; value: unknown }
  | { kind: 'text'; segments: Segment[] }
  | { kind: 'value'; placeholder: Placeholder }
  | { kind: 'array'; items: CompiledNode[] }
  | { kind: 'object'; entries: [string, CompiledNode][] };

export function compileJsonBody(text: string, field = 'body'): CompiledNode {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new TemplateConfigError(field, `not valid JSON (${(err as Error).message})`);
  }
  return compileValue(parsed, field);
}

export function compileTextBody(text: string, field = 'body'): CompiledNode {
  return { kind: 'text', segments: tokenize(text, field) };
}

export function compileValue(value: unknown, field: string): CompiledNode {
  if (typeof value === 'string') {
    const segments = tokenize(value, field);
    if (isWholePlaceholder(segments)) return { kind: 'value', placeholder: segments[0] };
    if (placeholdersOf(segments).length === 0) return { kind: 'literal', value: segments.join('') };
    return { kind: 'text', segments };
  }
  if (Array.isArray(value)) return { kind: 'array', items: value.map((v) => compileValue(v, field)) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([k, v]) => [k, compileValue(v, field)]) };
  }
  return { kind: 'literal', value };
}

/** Every placeholder in a compiled body, for checks such as "$snapshot only at the top level". */
export function collectPlaceholders(node: CompiledNode, out: Placeholder[] = []): Placeholder[] {
  if (node.kind === 'value') out.push(node.placeholder);
  else if (node.kind === 'text') out.push(...placeholdersOf(node.segments));
  else if (node.kind === 'array') node.items.forEach((n) => collectPlaceholders(n, out));
  else if (node.kind === 'object') node.entries.forEach(([, n]) => collectPlaceholders(n, out));
  return out;
}

/** Renders a compiled body; a missing whole value drops its key (or list item) unless the policy is `fail`. */
export function renderNode(node: CompiledNode, scope: Scope, policy: MissingPolicy): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'text':
      return renderSegments(node.segments, scope, policy);
    case 'value': {
      const value = resolve(node.placeholder, scope, policy);
      return value === MISSING ? MISSING : copyValue(value);
    }
    case 'array': {
      const out: unknown[] = [];
      for (const item of node.items) {
        const v = renderNode(item, scope, policy);
        if (v !== MISSING) out.push(v);
      }
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of node.entries) {
        const v = renderNode(child, scope, policy);
        if (v !== MISSING) define(out, key, v);
      }
      return out;
    }
  }
}

export function renderSegments(segments: Segment[], scope: Scope, policy: MissingPolicy, encode?: (s: string) => string): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'string') out += segment;
    else {
      const text = asText(resolve(segment, scope, policy));
      out += encode ? encode(text) : text;
    }
  }
  return out;
}

/** Sets an own property even for a key such as "__proto__" that came from a JSON body. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A JSON-safe deep copy, so the output never aliases the event (later nodes may mutate the msg). */
function copyValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (Buffer.isBuffer(value)) return value;
  if (depth > 64) return undefined;
  if (Array.isArray(value)) return value.map((v) => copyValue(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const c = copyValue(v, depth + 1);
    if (c !== undefined) define(out, k, c);
  }
  return out;
}
