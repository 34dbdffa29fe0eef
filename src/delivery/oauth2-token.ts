import type { OutgoingRequest } from './http-transport';
import type { AttemptResult } from './outcome';

/** OAuth2 client credentials of an endpoint (RFC 6749 §4.4). */
export interface OAuth2Settings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  audience?: string;
  /** How the client authenticates: HTTP Basic (the RFC's default) or id and secret in the form body. */
  clientAuth?: 'basic' | 'body';
}

export interface OAuth2Options {
  /** Sends the token request (the endpoint's transport: same CA, client certificate and proxy). */
  send: (req: OutgoingRequest) => Promise<AttemptResult>;
  now?: () => number;
  /** After a failure, further requests fail at once with it for this long (default 5 s). */
  failureHoldMs?: number;
  /** Told every new token, to be blanked wherever it could come back (known-credentials). */
  onToken?: (token: string) => void;
}

/** A token endpoint failure, in words; never holds the secret or the token. */
export class OAuth2Error extends Error {}

export interface OAuth2Token {
  value: string;
  /** Absent when the server gave no expires_in: kept until a 401. */
  expiresAt?: number;
  refreshAt?: number;
  fetchedInMs: number;
}

/** Longest error text taken from a token endpoint's answer. */
const MAX_DETAIL = 200;
/** At most one minute before expiry, at least a tenth of the lifetime (a 30 s token is renewed at 27 s). */
const MARGIN_MS = 60_000;

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function printable(text: unknown): string {
  return typeof text === 'string' ? text.replace(/[^\x20-\x7e]/g, ' ').trim().slice(0, MAX_DETAIL) : '';
}

/**
 * The endpoint's access token (docs/delivery.md, "OAuth2"): cached until shortly before it expires,
 * fetched once for all the attempts that need it at the same moment, renewed once when a target
 * answers 401 to it. Failures are named (`OAuth2 token endpoint … answered 401 invalid_client …`)
 * and held briefly so a queue full of msgs does not hammer the token endpoint.
 */
export class OAuth2TokenSource {
  private current: OAuth2Token | undefined;
  private pending: Promise<OAuth2Token> | undefined;
  private failure: { error: OAuth2Error; until: number } | undefined;
  private readonly now: () => number;
  private readonly tokenHost: string;

  constructor(private readonly settings: OAuth2Settings, private readonly options: OAuth2Options) {
    this.now = options.now ?? Date.now;
    let host = 'the token url';
    try {
      const u = new URL(settings.tokenUrl);
      host = `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      // checked when the endpoint is parsed; the message keeps working without it
    }
    this.tokenHost = host;
  }

  /** A valid token: the cached one, or one fetched now (shared with every concurrent caller). */
  async token(): Promise<OAuth2Token> {
    const now = this.now();
    const cached = this.current;
    if (cached && (cached.refreshAt === undefined || now < cached.refreshAt)) return cached;
    return this.fetchOnce();
  }

  /**
   * A target answered 401 to `rejected`: fetch a new token, once for every attempt that got the 401
   * with the same token. An attempt that got its 401 with an older token just takes the newer one.
   */
  async renewAfter401(rejected: string): Promise<OAuth2Token> {
    if (this.current && this.current.value !== rejected) return this.current;
    if (this.current?.value === rejected) this.current = undefined;
    this.failure = undefined;
    return this.fetchOnce();
  }

  /** Forgets the cached token (the endpoint is redeployed or its credentials changed). */
  clear(): void {
    this.current = undefined;
  }

  private fetchOnce(): Promise<OAuth2Token> {
    if (this.pending) return this.pending;
    if (this.failure && this.now() < this.failure.until) return Promise.reject(this.failure.error);
    this.pending = this.fetch().then(
      (token) => {
        this.pending = undefined;
        this.failure = undefined;
        this.current = token;
        this.options.onToken?.(token.value);
        return token;
      },
      (e: unknown) => {
        this.pending = undefined;
        const error = e instanceof OAuth2Error ? e : new OAuth2Error(`OAuth2 token: ${e instanceof Error ? e.message : String(e)}`);
        this.failure = { error, until: this.now() + (this.options.failureHoldMs ?? 5000) };
        throw error;
      },
    );
    return this.pending;
  }

  private async fetch(): Promise<OAuth2Token> {
    const s = this.settings;
    const form = [['grant_type', 'client_credentials']];
    if (s.scope) form.push(['scope', s.scope]);
    if (s.audience) form.push(['audience', s.audience]);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (s.clientAuth === 'body') {
      form.push(['client_id', s.clientId], ['client_secret', s.clientSecret]);
    } else {
      // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined
      headers.authorization = `Basic ${Buffer.from(`${formEncode(s.clientId)}:${formEncode(s.clientSecret)}`, 'utf8').toString('base64')}`;
    }
    const body = Buffer.from(form.map(([k, v]) => `${k}=${formEncode(v)}`).join('&'), 'utf8');
    const started = this.now();
    const result = await this.options.send({ method: 'POST', url: s.tokenUrl, headers, body });
    const where = `OAuth2 token endpoint ${this.tokenHost}`;
    if (result.kind !== 'response') throw new OAuth2Error(`${where} could not be reached: ${result.error}`);
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(result.body.toString('utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (result.status < 200 || result.status >= 300) {
      const code = printable(json?.error);
      const detail = printable(json?.error_description);
      const hint = result.status === 401 || code === 'invalid_client' ? ' (check the client id and secret)' : '';
      throw new OAuth2Error(`${where} answered HTTP ${result.status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}${hint}`);
    }
    if (!json) throw new OAuth2Error(`${where} answered HTTP ${result.status} without a JSON body`);
    const value = json.access_token;
    // a header value must be visible ASCII: anything else would be refused by Node or split the header
    if (typeof value !== 'string' || !/^[\x21-\x7e]+$/.test(value)) throw new OAuth2Error(`${where} answered without a usable access_token`);
    const type = json.token_type;
    if (typeof type === 'string' && type.toLowerCase() !== 'bearer') throw new OAuth2Error(`${where} gave a token of type "${printable(type)}"; only Bearer tokens are supported`);
    const now = this.now();
    const token: OAuth2Token = { value, fetchedInMs: now - started };
    const lifetimeS = typeof json.expires_in === 'string' ? Number(json.expires_in) : json.expires_in;
    if (typeof lifetimeS === 'number' && Number.isFinite(lifetimeS) && lifetimeS > 0) {
      const lifetimeMs = lifetimeS * 1000;
      token.expiresAt = now + lifetimeMs;
      token.refreshAt = token.expiresAt - Math.min(MARGIN_MS, lifetimeMs / 10);
    }
    return token;
  }
}
