/**
 * Header names that carry a signature or a secret in the schemes of docs/signing.md. Stripped before a
 * record is written when the msg names a signer that is not registered at that moment (so its own
 * list is unknown): better to re-sign than to store a signature or token on disk.
 */
export const KNOWN_SIGNATURE_HEADERS: readonly string[] = [
  'webhook-signature',
  'webhook-timestamp',
  'x-hub-signature-256',
  'x-hub-signature',
  'stripe-signature',
  'x-signature',
  'x-webhook-signature',
  'x-webhook-hmac-sha256',
  'x-slack-signature',
  'x-slack-request-timestamp',
  'x-sp-token',
  'x-api-key',
  'authorization',
];

/** Credentials that never go to disk whatever the msg: auth comes from the endpoint's credentials. */
export const SECRET_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie'];

/** The secret headers a msg carries (lower-case), to warn that they are not stored. */
export function secretHeadersIn(headers: unknown): string[] {
  if (!headers || typeof headers !== 'object') return [];
  return Object.keys(headers).map((h) => h.toLowerCase()).filter((h) => SECRET_HEADERS.includes(h));
}
