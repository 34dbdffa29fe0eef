import { createHmac } from 'node:crypto';

/** HMAC-SHA256 over the concatenation of `parts` (strings as UTF-8), without copying the body. */
export function hmacSha256(key: Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const p of parts) mac.update(p);
  return mac.digest();
}

/** Keys of schemes that use the secret text itself (UTF-8) as the HMAC key. */
export function utf8Keys(secrets: readonly string[], what: string): Buffer[] {
  return secrets.map((s) => {
    if (s.length === 0) throw new Error(`${what}: empty secret`);
    return Buffer.from(s, 'utf8');
  });
}
