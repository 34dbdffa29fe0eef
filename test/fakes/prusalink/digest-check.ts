import { createHash, createHmac, randomBytes } from 'node:crypto';

// The server side of PrusaLink's Digest, written from the protocol description in docs/prusalink.md
// (firmware: RFC 2069, realm "Printer API", no qop; Raspberry Pi: qop=auth, MD5-sess, opaque, a nonce
// bound to the User-Agent), independently of the client in src/.

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

export interface DigestServerOptions {
  flavour: 'buddy' | 'pi';
  username: string;
  password: string;
  /** How long a nonce stays valid (the firmware: 300 s). */
  nonceTtlMs: number;
  now: () => number;
}

export type DigestVerdict = 'ok' | 'missing' | 'wrong' | 'stale';

function params(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-z0-9_-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/gi;
  for (let m = re.exec(header); m; m = re.exec(header)) out[m[1].toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  return out;
}

export class DigestServer {
  readonly realm: string;
  private readonly secret = randomBytes(16).toString('hex');
  readonly opaque = randomBytes(8).toString('hex');

  constructor(private readonly options: DigestServerOptions) {
    this.realm = options.flavour === 'buddy' ? 'Printer API' : 'Administrator';
  }

  /** A new nonce: the firmware's is 8 random hex + 8 hex of seconds; the Pi's carries a MAC over time and User-Agent. */
  nonce(userAgent: string): string {
    const ms = this.options.now();
    if (this.options.flavour === 'buddy') return randomBytes(4).toString('hex') + (Math.floor(ms) % 2 ** 32).toString(16).padStart(8, '0');
    const stamp = Math.floor(ms).toString(16);
    return `${stamp}.${createHmac('sha256', this.secret).update(`${stamp}:${userAgent}`).digest('hex').slice(0, 24)}`;
  }

  challenge(userAgent: string, stale: boolean): string {
    const nonce = this.nonce(userAgent);
    if (this.options.flavour === 'buddy') return `Digest realm="${this.realm}", nonce="${nonce}", stale=${stale ? 'true' : 'false'}`;
    return `Digest realm="${this.realm}", qop="auth", algorithm="MD5-sess", nonce="${nonce}", opaque="${this.opaque}"${stale ? ', stale=true' : ''}`;
  }

  verify(method: string, header: string | undefined, userAgent: string): DigestVerdict {
    if (!header || !/^Digest\s/i.test(header)) return 'missing';
    const p = params(header.slice(7));
    if (p.username !== this.options.username || p.realm !== this.realm || !p.nonce || !p.uri || !p.response) return 'wrong';
    let ha1 = md5(`${p.username}:${this.realm}:${this.options.password}`);
    let expected: string;
    const ha2 = md5(`${method}:${p.uri}`);
    if (this.options.flavour === 'pi') {
      if (p.qop !== 'auth' || !p.nc || !p.cnonce || p.opaque !== this.opaque) return 'wrong';
      ha1 = md5(`${ha1}:${p.nonce}:${p.cnonce}`);
      expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
    } else {
      expected = md5(`${ha1}:${p.nonce}:${ha2}`);
    }
    if (expected !== p.response) return 'wrong';
    return this.fresh(p.nonce, userAgent) ? 'ok' : 'stale';
  }

  private fresh(nonce: string, userAgent: string): boolean {
    const now = this.options.now();
    if (this.options.flavour === 'buddy') {
      // Milliseconds modulo 2^32 in the nonce (the firmware keeps seconds; tests want short lifetimes).
      const issued = parseInt(nonce.slice(8), 16);
      return Number.isFinite(issued) && (Math.floor(now) - issued + 2 ** 32) % 2 ** 32 <= this.options.nonceTtlMs;
    }
    const [stamp, mac] = nonce.split('.');
    if (!stamp || mac !== createHmac('sha256', this.secret).update(`${stamp}:${userAgent}`).digest('hex').slice(0, 24)) return false;
    return now - parseInt(stamp, 16) <= this.options.nonceTtlMs;
  }
}
