/**
 * Cuts text to at most `max` UTF-16 units (which also keeps it within `max` code points), ending with
 * an ellipsis, never splitting a surrogate pair. Targets reject over-long fields; a cut message still arrives.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Same, for limits counted in UTF-8 bytes (ntfy's message size). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - 3; // the ellipsis is 3 bytes
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    out += ch;
  }
  return `${out}…`;
}
