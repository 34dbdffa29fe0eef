import { generateSecret, KeyError, publicKeyFor } from './keys';
import { isSchemeName } from './scheme';

export interface KeyToolReply {
  status: number;
  body: { secret?: string; publicKey?: string; error?: string };
}

/**
 * The editor's key helper (behind an admin endpoint): `generate` makes a fresh secret for a scheme,
 * `public-key` derives the whpk_ of a whsk_ the user has just typed. It never reads stored credentials.
 */
export function keyTool(request: unknown): KeyToolReply {
  const req = (request ?? {}) as { action?: unknown; scheme?: unknown; secret?: unknown };
  if (req.action === 'generate') {
    if (!isSchemeName(req.scheme)) return { status: 400, body: { error: `unknown scheme "${String(req.scheme)}"` } };
    const secret = generateSecret(req.scheme);
    return { status: 200, body: req.scheme === 'standard-webhooks-ed25519' ? { secret, publicKey: publicKeyFor(secret) } : { secret } };
  }
  if (req.action === 'public-key') {
    if (typeof req.secret !== 'string') return { status: 400, body: { error: 'secret must be a whsk_ string' } };
    try {
      return { status: 200, body: { publicKey: publicKeyFor(req.secret.trim()) } };
    } catch (err) {
      return { status: 400, body: { error: err instanceof KeyError ? err.message : 'not a valid whsk_ secret key' } };
    }
  }
  return { status: 400, body: { error: 'action must be generate or public-key' } };
}

/** Public keys of the whsk_ secrets a deployed signer holds (public, so safe to show in the editor). */
export function publicKeysOf(secrets: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of secrets) {
    try {
      out.push(publicKeyFor(s));
    } catch {
      // not an ed25519 secret: nothing public to show
    }
  }
  return out;
}
