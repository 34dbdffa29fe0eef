import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * Secret formats of Standard Webhooks: `whsec_` + base64 HMAC key, `whsk_` + base64 Ed25519 secret key
 * (32-byte seed followed by the 32-byte public key, or the seed alone), `whpk_` + base64 public key.
 */
export class KeyError extends Error {}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

function decodeBase64(text: string, what: string): Buffer {
  if (!BASE64.test(text) || text.length % 4 === 1) throw new KeyError(`${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

/** Splits the credentials text into secrets: one per line, blank lines and surrounding spaces ignored. */
export function secretLines(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** `whsec_<base64>` → HMAC key bytes (24–64 random bytes recommended; fewer than 16 is refused). */
export function parseWhsec(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new KeyError('a standard-webhooks secret must start with whsec_');
  const key = decodeBase64(secret.slice('whsec_'.length), 'the whsec_ secret');
  if (key.length < 16) throw new KeyError(`the whsec_ secret decodes to ${key.length} bytes; at least 16 are needed`);
  return key;
}

export interface Ed25519Pair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicRaw: Buffer;
}

/** `whsk_<base64 of seed ‖ public key>` (64 bytes) or of the seed alone (32 bytes). */
export function parseWhsk(secret: string): Ed25519Pair {
  if (!secret.startsWith('whsk_')) throw new KeyError('an ed25519 secret key must start with whsk_');
  const raw = decodeBase64(secret.slice('whsk_'.length), 'the whsk_ secret key');
  if (raw.length !== 64 && raw.length !== 32) {
    throw new KeyError(`the whsk_ secret key decodes to ${raw.length} bytes; expected 64 (seed + public key) or 32 (seed)`);
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const publicRaw = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
  if (raw.length === 64 && !publicRaw.equals(raw.subarray(32))) {
    throw new KeyError('the whsk_ secret key is inconsistent: its public half does not match its seed');
  }
  return { privateKey, publicKey, publicRaw };
}

/** `whpk_<base64 of the 32-byte public key>` → a public key object. */
export function parseWhpk(key: string): KeyObject {
  if (!key.startsWith('whpk_')) throw new KeyError('an ed25519 public key must start with whpk_');
  const raw = decodeBase64(key.slice('whpk_'.length), 'the whpk_ public key');
  if (raw.length !== 32) throw new KeyError(`the whpk_ public key decodes to ${raw.length} bytes; expected 32`);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/** The `whpk_` text a receiver needs for a given `whsk_` secret key. */
export function publicKeyFor(secret: string): string {
  return `whpk_${parseWhsk(secret).publicRaw.toString('base64')}`;
}

/** A fresh secret in the format of a scheme: 32 random bytes (whsec_, whsk_, or hex for the others). */
export function generateSecret(scheme: string): string {
  if (scheme === 'standard-webhooks') return `whsec_${randomBytes(32).toString('base64')}`;
  if (scheme === 'standard-webhooks-ed25519') {
    const seed = randomBytes(32);
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
    const pub = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
    return `whsk_${Buffer.concat([seed, pub]).toString('base64')}`;
  }
  if (scheme === 'stripe') return `whsec_${randomBytes(32).toString('hex')}`;
  return randomBytes(32).toString('hex');
}
