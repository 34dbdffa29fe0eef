/**
 * After a webhook verified, hand the flow a usable body: JSON (by content type) is parsed, other
 * Buffers become UTF-8 text unless they are binary content types. Unparseable JSON stays text.
 */
export function decodeVerifiedBody(payload: unknown, contentType: string | undefined): unknown {
  const type = (contentType ?? '').toLowerCase();
  const isJson = /[/+]json\b/.test(type);
  const isText = isJson || type.startsWith('text/') || type.includes('x-www-form-urlencoded') || type === '';
  if (Buffer.isBuffer(payload)) {
    if (!isText) return payload;
    payload = payload.toString('utf8');
  }
  if (isJson && typeof payload === 'string') {
    try {
      return JSON.parse(payload);
    } catch {
      return payload;
    }
  }
  return payload;
}
