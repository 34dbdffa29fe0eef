import { createHash, randomBytes } from 'node:crypto';

/** One challenge of a WWW-Authenticate header: its scheme and parameters (names lower-cased). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const MAX_HEADER = 4096;

/**
 * Parses a WWW-Authenticate value into its challenges (`Digest realm="Printer API", nonce="…", stale=false`,
 * `ApiKey realm="Printer API"`). Quoted strings may hold commas and escaped quotes. Bounded: a header longer
 * than 4 KiB is cut there.
 */
export function parseChallenges(header: string | string[] | undefined): AuthChallenge[] {
  const text = (Array.isArray(header) ? header.join(', ') : header ?? '').slice(0, MAX_HEADER);
  const challenges: AuthChallenge[] = [];
  const token = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)/y;
  let i = 0;
  let current: AuthChallenge | undefined;
  while (i < text.length) {
    while (i < text.length && (text[i] === ',' || text[i] === ' ' || text[i] === '\t')) i += 1;
    token.lastIndex = i;
    const name = token.exec(text);
    if (!name) break;
    i = token.lastIndex;
    while (text[i] === ' ' || text[i] === '\t') i += 1;
    if (text[i] !== '=' || !current) {
      // A word not followed by "=" starts a new challenge (its scheme).
      if (text[i] === '=' && !current) break;
      current = { scheme: name[1].toLowerCase(), params: {} };
      challenges.push(current);
      continue;
    }
    i += 1;
    while (text[i] === ' ' || text[i] === '\t') i += 1;
    let value = '';
    if (text[i] === '"') {
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        value += text[i];
        i += 1;
      }
      i += 1;
    } else {
      const end = text.indexOf(',', i);
      value = text.slice(i, end === -1 ? text.length : end).trim();
      i = end === -1 ? text.length : end;
    }
    current.params[name[1].toLowerCase()] = value;
  }
  return challenges;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * HTTP Digest for PrusaLink (docs/prusalink.md, "Auth"). The firmware challenges RFC 2069 style (realm
 * "Printer API", no qop, no opaque, no algorithm); the Raspberry Pi PrusaLink adds qop="auth", an opaque
 * value and algorithm MD5-sess. The nonce is kept and reused for every request until the printer answers
 * 401 again (a stale nonce): a fresh challenge then replaces it.
 */
export class DigestSession {
  private challenge: Record<string, string> | undefined;
  private nc = 0;
  private cnonce = '';
  private sessionKey: string | undefined;

  constructor(
    private readonly username: string,
    private readonly password: string,
    private readonly random: (bytes: number) => Buffer = randomBytes,
  ) {}

  get hasNonce(): boolean {
    return this.challenge !== undefined;
  }

  get realm(): string | undefined {
    return this.challenge?.realm;
  }

  /** Takes the Digest challenge of a 401 answer; false when the header offers none. */
  accept(header: string | string[] | undefined): boolean {
    const digest = parseChallenges(header).find((c) => c.scheme === 'digest');
    if (!digest || !digest.params.nonce) return false;
    this.challenge = digest.params;
    this.nc = 0;
    this.cnonce = this.random(8).toString('hex');
    this.sessionKey = undefined;
    return true;
  }

  /** Forget the nonce (e.g. after the printer restarted). */
  reset(): void {
    this.challenge = undefined;
  }

  /** The Authorization header for one request, or undefined before the first challenge. */
  authorization(method: string, uri: string): string | undefined {
    const c = this.challenge;
    if (!c) return undefined;
    const realm = c.realm ?? '';
    const algorithm = c.algorithm;
    const qop = c.qop?.split(',').map((q) => q.trim().toLowerCase()).includes('auth') ? 'auth' : undefined;
    const ha1 = this.ha1(realm, c.nonce, algorithm);
    const ha2 = md5(`${method}:${uri}`);
    const parts = [`username=${quote(this.username)}`, `realm=${quote(realm)}`, `nonce=${quote(c.nonce)}`, `uri=${quote(uri)}`];
    let response: string;
    if (qop) {
      this.nc += 1;
      const nc = this.nc.toString(16).padStart(8, '0');
      response = md5(`${ha1}:${c.nonce}:${nc}:${this.cnonce}:${qop}:${ha2}`);
      parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(this.cnonce)}`);
    } else {
      response = md5(`${ha1}:${c.nonce}:${ha2}`);
    }
    parts.push(`response=${quote(response)}`);
    // The field is only echoed when the server named one: some firmware builds reject it (docs/prusalink.md).
    if (algorithm) parts.push(`algorithm=${algorithm}`);
    if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }

  private ha1(realm: string, nonce: string, algorithm: string | undefined): string {
    const base = md5(`${this.username}:${realm}:${this.password}`);
    if (algorithm?.toLowerCase() !== 'md5-sess') return base;
    this.sessionKey ??= md5(`${base}:${nonce}:${this.cnonce}`);
    return this.sessionKey;
  }
}
