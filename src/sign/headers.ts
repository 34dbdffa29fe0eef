/** Sets headers on a msg.headers object, replacing any existing header of the same name in another case. */
export function mergeHeaders(existing: unknown, add: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const replaced = new Set(Object.keys(add).map((k) => k.toLowerCase()));
  if (existing !== null && typeof existing === 'object' && !Array.isArray(existing)) {
    for (const [name, value] of Object.entries(existing as Record<string, unknown>)) {
      if (!replaced.has(name.toLowerCase())) out[name] = value;
    }
  }
  return Object.assign(out, add);
}

export function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((k) => k.toLowerCase() === lower);
}
