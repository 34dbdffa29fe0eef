import { secretLines } from './keys';
import { isSchemeName, SCHEMES, type SchemeName, type SchemeOptions } from './scheme';
import { SCHEME_IMPLEMENTATIONS } from './schemes';

/** What the signer and verify nodes hold after their config and credentials are checked. */
export interface SigningConfig {
  scheme: SchemeName;
  options: SchemeOptions;
  secrets: string[];
}

export type ConfigResult = { ok: true; config: SigningConfig } | { ok: false; error: string };

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Checks scheme, header, encoding and secrets (one per line) and parses every secret once, so a bad
 * one is reported at deploy rather than on the first msg. Messages never contain the secret itself.
 */
export function parseSigningConfig(raw: { scheme?: unknown; header?: unknown; encoding?: unknown }, secretsText: unknown, role: 'sign' | 'verify'): ConfigResult {
  if (!isSchemeName(raw.scheme)) return { ok: false, error: `unknown scheme "${String(raw.scheme)}" (expected one of ${SCHEMES.join(', ')})` };
  const header = typeof raw.header === 'string' ? raw.header.trim() : '';
  if (header && !HEADER_NAME.test(header)) return { ok: false, error: `header "${header}" is not a valid HTTP header name` };
  const encoding = raw.encoding === 'hex' ? 'hex' : 'base64';
  if (raw.encoding !== undefined && raw.encoding !== '' && raw.encoding !== 'hex' && raw.encoding !== 'base64') {
    return { ok: false, error: `encoding "${String(raw.encoding)}" must be base64 or hex` };
  }
  const secrets = secretLines(secretsText);
  if (secrets.length === 0) return { ok: false, error: 'no secret: add one in the node\'s Secrets field' };
  const options: SchemeOptions = { header: header || undefined, encoding };
  const scheme = SCHEME_IMPLEMENTATIONS[raw.scheme];
  try {
    if (role === 'sign') scheme.signer(secrets, options);
    else scheme.verifier(secrets, options);
  } catch (err) {
    return { ok: false, error: `secret: ${(err as Error).message}` };
  }
  return { ok: true, config: { scheme: raw.scheme, options, secrets } };
}
