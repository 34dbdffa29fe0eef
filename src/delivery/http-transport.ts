import * as http from 'http';
import * as https from 'https';
import axios, { AxiosInstance } from 'axios';
import type { AttemptResult } from './outcome';

export const RESPONSE_BODY_LIMIT = 20 * 1024;
const KEPT_RESPONSE_HEADERS = ['retry-after', 'content-type'] as const;

export interface TransportOptions {
  /** Request timeout, ms (15 s by default, docs/delivery.md). */
  timeoutMs: number;
  /** Accept a self-signed or otherwise unverifiable certificate. */
  tlsInsecure?: boolean;
  /** Sockets kept per host. */
  maxSockets?: number;
  userAgent?: string;
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One keep-alive HTTP client per endpoint. Redirects are never followed (a 3xx is a failure, and
 * maxRedirects 0 also skips axios's follow-redirects wrapper, which is the costly part), and no
 * status throws: every response becomes an AttemptResult.
 */
export class HttpTransport {
  private readonly client: AxiosInstance;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(readonly options: TransportOptions) {
    const maxSockets = options.maxSockets ?? 16;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: !options.tlsInsecure });
    this.client = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'arraybuffer',
      transformResponse: [(data: unknown) => data],
      timeout: options.timeoutMs,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      transitional: { clarifyTimeoutError: true },
      proxy: false,
    });
  }

  async send(req: OutgoingRequest): Promise<AttemptResult> {
    const started = performance.now();
    try {
      const res = await this.client.request<Buffer>({
        method: req.method,
        url: req.url,
        headers: { 'user-agent': this.options.userAgent ?? 'PrintHooks', ...req.headers },
        data: req.body,
      });
      const body = Buffer.isBuffer(res.data) ? res.data : Buffer.from(res.data ?? '');
      const headers: Record<string, string> = {};
      // only what the retry logic reads, to keep each attempt cheap
      for (const name of KEPT_RESPONSE_HEADERS) {
        const value = res.headers?.[name];
        if (value !== undefined && value !== null) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      return {
        kind: 'response',
        status: res.status,
        headers,
        body: body.length > RESPONSE_BODY_LIMIT ? body.subarray(0, RESPONSE_BODY_LIMIT) : body,
        durationMs: performance.now() - started,
      };
    } catch (e) {
      const durationMs = performance.now() - started;
      const code = (e as { code?: string }).code;
      const message = e instanceof Error ? e.message : String(e);
      if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
        return { kind: 'timeout', error: `timeout after ${this.options.timeoutMs} ms`, durationMs };
      }
      return { kind: 'network', error: code ? `${code}: ${message}` : message, durationMs };
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
