import { randomBytes } from 'node:crypto';

export const CONTENT_TYPES = ['json', 'form', 'text', 'multipart'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const MIME: Record<Exclude<ContentType, 'multipart'>, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  text: 'text/plain; charset=utf-8',
};

/** Form and multipart fields: strings as they are, nested values as JSON text. */
function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value) ?? '';
}

function topLevelEntries(body: unknown): [string, unknown][] {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) return Object.entries(body);
  return [['payload', body]];
}

/** application/x-www-form-urlencoded text; a non-object body becomes one `payload` field. */
export function encodeForm(body: unknown): string {
  const params = new URLSearchParams();
  for (const [key, value] of topLevelEntries(body)) params.append(key, Buffer.isBuffer(value) ? value.toString('base64') : fieldText(value));
  return params.toString();
}

export interface Multipart {
  body: Buffer;
  contentType: string;
}

/** multipart/form-data bytes: Buffer values become `image/jpeg` file parts, the rest text fields. */
export function encodeMultipart(body: unknown, boundary = `printhooks-${randomBytes(12).toString('hex')}`): Multipart {
  const chunks: Buffer[] = [];
  for (const [key, value] of topLevelEntries(body)) {
    const name = key.replace(/["\r\n\\]/g, '_');
    if (Buffer.isBuffer(value)) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="snapshot.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`));
      chunks.push(value);
      chunks.push(Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${fieldText(value)}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
