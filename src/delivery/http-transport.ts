import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { DestinationRefused, guardOnConnect, guardedLookup, literalRefusal, resolveChecked, urlHost, type DestinationPolicy } from './destination-policy';
import type { AttemptResult } from './outcome';
import { proxyFor, type ProxyChoice, type ProxySettings } from './proxy-settings';
import { TunnelAgent } from './proxy-tunnel';
import { tlsConnectOptions, tlsProblem, type TlsMaterial } from './tls-options';

export const RESPONSE_BODY_LIMIT = 20 * 1024;
const KEPT_RESPONSE_HEADERS = ['retry-after', 'content-type', 'www-authenticate'] as const;

type LookupAll = Parameters<typeof guardedLookup>[1];

export interface TransportOptions {
  /** Request timeout, ms (15 s by default, docs/delivery.md). */
  timeoutMs: number;
  /** Accept a self-signed or otherwise unverifiable certificate. */
  tlsInsecure?: boolean;
  /** Sockets kept per host. */
  maxSockets?: number;
  userAgent?: string;
  /** Custom CA and client certificate (mTLS). */
  tls?: TlsMaterial;
  /** Proxy: direct unless given. */
  proxy?: ProxySettings;
  /** The policy for urls that come from msgs (`checkDestination`); `default` unless given. */
  destinations?: DestinationPolicy;
  /** Refuse http:// urls. */
  httpsOnly?: boolean;
  /** Environment for the `env` proxy mode (process.env unless given). */
  env?: Record<string, string | undefined>;
  /** Name resolution (dns.lookup unless given; tests resolve names without DNS). */
  lookup?: LookupAll;
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The url came from a msg: the destination policy applies (docs/delivery.md, "Destination policy"). */
  checkDestination?: boolean;
}

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * One keep-alive HTTP client per endpoint, on node:http/https (docs/delivery.md, "Transport").
 * Redirects are never followed (a 3xx is a failure) and no status throws: every response becomes an
 * AttemptResult. Urls from msgs go through agents that check the destination policy after DNS
 * resolution and again on connect; proxies tunnel https with CONNECT and send http in absolute form.
 */
export class HttpTransport {
  private readonly agents = new Map<string, http.Agent>();
  private readonly tlsOptions;
  private readonly policy: DestinationPolicy;

  constructor(readonly options: TransportOptions) {
    this.tlsOptions = tlsConnectOptions(options.tls ?? {}, options.tlsInsecure === true);
    this.policy = options.destinations ?? 'default';
  }

  async send(req: OutgoingRequest): Promise<AttemptResult> {
    const started = performance.now();
    const durationMs = (): number => performance.now() - started;
    let url: URL | undefined;
    try {
      url = new URL(req.url);
      if (this.options.httpsOnly && url.protocol === 'http:') {
        return { kind: 'refused', error: `refused: ${url.protocol}//${url.host} is plain http and the endpoint is HTTPS-only`, durationMs: durationMs() };
      }
      const checked = req.checkDestination === true && this.policy !== 'any';
      if (checked) {
        const refused = literalRefusal(req.url, this.policy);
        if (refused) throw refused;
      }
      const proxy = proxyFor(url, this.options.proxy ?? { mode: 'none' }, this.options.env);
      if (proxy && checked) await this.checkBehindProxy(url);
      return await this.exchange(url, req, proxy, checked, started);
    } catch (e) {
      return this.failure(e, durationMs(), url);
    }
  }

  /** Through a proxy the proxy connects: the target's name is checked here when it resolves locally. */
  private async checkBehindProxy(url: URL): Promise<void> {
    try {
      await resolveChecked(urlHost(url.href), this.policy, this.options.lookup);
    } catch (e) {
      // a name only the proxy can resolve (a corporate DNS) is left to it (docs/delivery.md)
      if (e instanceof DestinationRefused) throw e;
    }
  }

  private failure(e: unknown, durationMs: number, url: URL | undefined): AttemptResult {
    if (e instanceof DestinationRefused) return { kind: 'refused', error: e.message, durationMs };
    const code = (e as { code?: string }).code;
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof TimeoutError || code === 'ETIMEDOUT') return { kind: 'timeout', error: e instanceof TimeoutError ? message : `timeout: ${message}`, durationMs };
    const tls = tlsProblem(e);
    if (tls) return { kind: 'network', error: `TLS: ${tls}`, durationMs };
    if (code === 'ECONNRESET' && this.options.tls?.cert && url?.protocol === 'https:') {
      // TLS 1.3 servers refuse a client certificate after the handshake: the client only sees the reset
      return { kind: 'network', error: 'TLS: the server closed the connection after the handshake (it may not accept the client certificate)', durationMs };
    }
    return { kind: 'network', error: code && !message.includes(code) ? `${code}: ${message}` : message, durationMs };
  }

  private agentFor(url: URL, proxy: ProxyChoice | undefined, checked: boolean): http.Agent {
    const secure = url.protocol === 'https:';
    const key = proxy ? `${secure ? 'tunnel' : 'forward'} ${proxy.url.href} ${proxy.authorization ?? ''}` : `${secure ? 'https' : 'http'} ${checked ? 'checked' : 'trusted'}`;
    const known = this.agents.get(key);
    if (known) return known;
    let agent: http.Agent;
    const base = { keepAlive: true, maxSockets: this.options.maxSockets ?? 16 };
    if (proxy && secure) {
      agent = new TunnelAgent(proxy, this.tlsOptions, this.options.timeoutMs, { ...base, ...this.tlsOptions });
    } else if (proxy) {
      // http through a proxy: the request itself goes to the proxy, in absolute form
      agent = proxy.url.protocol === 'https:' ? new https.Agent({ ...base, ...this.tlsOptions }) : new http.Agent(base);
    } else {
      const lookup = checked ? guardedLookup(this.policy, this.options.lookup) : this.options.lookup;
      const extra = lookup ? { lookup: lookup as net.LookupFunction } : {};
      agent = secure ? new https.Agent({ ...base, ...this.tlsOptions, ...extra }) : new http.Agent({ ...base, ...extra });
      if (checked) guardConnections(agent, this.policy);
    }
    this.agents.set(key, agent);
    return agent;
  }

  private exchange(url: URL, req: OutgoingRequest, proxy: ProxyChoice | undefined, checked: boolean, started: number): Promise<AttemptResult> {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'PrintHooks', ...req.headers };
    if (req.body.length > 0 || !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(req.method)) headers['content-length'] = String(req.body.length);
    const forward = proxy && url.protocol === 'http:';
    const host = urlHost(url.href);
    const options: https.RequestOptions = forward
      ? {
          host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
          port: Number(proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80)),
          path: url.href,
          headers: { ...headers, host: url.host, ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}) },
        }
      : { host, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), path: `${url.pathname}${url.search}`, headers };
    options.method = req.method;
    options.agent = this.agentFor(url, proxy, checked);
    const viaTls = forward ? proxy.url.protocol === 'https:' : url.protocol === 'https:';
    return new Promise<AttemptResult>((resolve, reject) => {
      const request = (viaTls ? https : http).request(options);
      const timer = setTimeout(() => request.destroy(new TimeoutError(`timeout after ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      request.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          // only the first 20 KB are kept; the rest is read and dropped so the socket can be reused
          if (kept < RESPONSE_BODY_LIMIT) {
            const part = chunk.subarray(0, RESPONSE_BODY_LIMIT - kept);
            chunks.push(part);
            kept += part.length;
          }
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const kept: Record<string, string> = {};
          for (const name of KEPT_RESPONSE_HEADERS) {
            const value = res.headers[name];
            if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : String(value);
          }
          resolve({ kind: 'response', status: res.statusCode ?? 0, headers: kept, body: Buffer.concat(chunks), durationMs: performance.now() - started });
        });
      });
      request.end(req.body.length ? req.body : undefined);
    });
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** Every socket the agent opens is checked against the policy once connected. */
function guardConnections(agent: http.Agent, policy: DestinationPolicy): void {
  const create = (agent as unknown as { createConnection: (o: net.NetConnectOpts & { host?: string }, cb?: unknown) => net.Socket | undefined }).createConnection.bind(agent);
  (agent as unknown as { createConnection: typeof create }).createConnection = (options, cb) => {
    const socket = create(options, cb);
    if (socket) guardOnConnect(socket, policy, String(options.host ?? ''));
    return socket;
  };
}
