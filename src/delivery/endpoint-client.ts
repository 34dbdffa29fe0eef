import { registerCredentials } from '../secrets/known-credentials';
import { authHeaders, type EndpointConfig, type EndpointCredentials } from './endpoint-config';
import { HttpTransport, type OutgoingRequest, type TransportOptions } from './http-transport';
import { OAuth2TokenSource } from './oauth2-token';
import type { AttemptResult } from './outcome';
import { tlsMaterial } from './tls-options';

export interface EndpointClientOptions {
  /** Who registers the credentials for scrubbing (the endpoint node's id). */
  owner: string;
  userAgent?: string;
  maxSockets?: number;
  env?: TransportOptions['env'];
  lookup?: TransportOptions['lookup'];
  now?: () => number;
}

/** The secrets of an endpoint besides its Bearer/Basic auth (which every attempt reports as sent). */
function secretCredentials(creds: EndpointCredentials): string[] {
  return [creds.clientSecret, creds.key, tlsMaterial(creds).key, creds.proxyPassword, creds.token, creds.password].filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * What an endpoint sends with (docs/delivery.md, "Reaching guarded targets"): its transport (CA,
 * client certificate, proxy, HTTPS-only, destination policy), its static auth headers, and for
 * OAuth2 the token added to each attempt, renewed once when the target answers 401. The token lives
 * only in memory and in the request on the wire; it and the endpoint's secrets are registered with
 * the scrubber so an echo of them is blanked out of whatever an attempt brings back.
 */
export class EndpointClient {
  readonly transport: HttpTransport;
  readonly authHeaders: Record<string, string>;
  readonly oauth2: OAuth2TokenSource | undefined;
  private readonly secrets: string[];
  private token: string | undefined;
  private unregister: () => void;
  private closed = false;

  constructor(readonly config: EndpointConfig, creds: EndpointCredentials, private readonly options: EndpointClientOptions) {
    const access = config.access;
    this.transport = new HttpTransport({
      timeoutMs: config.timeoutMs,
      tlsInsecure: config.tlsInsecure,
      maxSockets: options.maxSockets,
      userAgent: options.userAgent,
      tls: tlsMaterial(creds),
      proxy: { ...access.proxy, username: creds.proxyUsername, password: creds.proxyPassword },
      destinations: access.destinations,
      httpsOnly: access.httpsOnly,
      env: options.env,
      lookup: options.lookup,
    });
    this.authHeaders = authHeaders(creds, access.auth);
    this.secrets = secretCredentials(creds);
    this.unregister = registerCredentials(options.owner, this.secrets);
    if (access.auth === 'oauth2' && access.oauth2) {
      this.oauth2 = new OAuth2TokenSource(
        { ...access.oauth2, clientId: creds.clientId ?? '', clientSecret: creds.clientSecret ?? '' },
        { send: (req) => this.transport.send(req), now: options.now, onToken: (token) => this.remember(token) },
      );
    }
  }

  /** One attempt; with OAuth2 the token is added here, and a 401 renews it once and sends again. */
  async send(req: OutgoingRequest): Promise<AttemptResult> {
    if (!this.oauth2) return this.transport.send(req);
    const started = performance.now();
    let token: string;
    try {
      token = (await this.oauth2.token()).value;
    } catch (e) {
      return { kind: 'network', error: e instanceof Error ? e.message : String(e), durationMs: performance.now() - started };
    }
    const first = await this.transport.send(withToken(req, token));
    if (first.kind !== 'response' || first.status !== 401) return first;
    let fresh: string;
    try {
      fresh = (await this.oauth2.renewAfter401(token)).value;
    } catch (e) {
      return { kind: 'network', error: `HTTP 401 with the OAuth2 token, and ${e instanceof Error ? e.message : String(e)}`, durationMs: performance.now() - started };
    }
    return this.transport.send(withToken(req, fresh));
  }

  /** Every secret this endpoint holds right now (credentials and the current token), for the Test answer's scrub. */
  knownSecrets(): string[] {
    return this.token ? [...this.secrets, this.token] : [...this.secrets];
  }

  close(): void {
    this.closed = true;
    this.unregister();
    this.transport.close();
  }

  private remember(token: string): void {
    if (this.closed) return;
    // the previous token stays known too: answers to attempts made with it may still be arriving
    const previous = this.token;
    this.token = token;
    this.unregister = registerCredentials(this.options.owner, [...this.secrets, token, ...(previous ? [previous] : [])]);
  }
}

function withToken(req: OutgoingRequest, token: string): OutgoingRequest {
  return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
}
