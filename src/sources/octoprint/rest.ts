import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { ApiJobResponse, LastPrint } from './job-state';
import { classifyError, OctoPrintProblem } from './problems';
import { endpoint, type OctoPrintBase } from './url';

export interface RestOptions {
  base: OctoPrintBase;
  apiKey: string;
  /** Accept a self-signed (unverified) certificate. Off by default. */
  allowSelfSigned?: boolean;
  timeoutMs?: number;
}

export interface LoginResult {
  name: string;
  session: string;
}

/** The name OctoPrint gives the global API key's pseudo-user; its sessions cannot auth the socket. */
export const GLOBAL_KEY_USER = '_api';

/** The REST calls PrintHooks makes: passive login, version, job, printer state, bytes of a URL. */
export class OctoPrintRest {
  readonly http: AxiosInstance;
  readonly httpsAgent: https.Agent | undefined;
  /** Own agents without keep-alive: a few calls per connection, and no pooled socket outlives dispose(). */
  readonly httpAgent = new http.Agent({ keepAlive: false });

  constructor(private readonly options: RestOptions) {
    this.httpsAgent = options.base.url.protocol === 'https:' ? new https.Agent({ rejectUnauthorized: !options.allowSelfSigned, keepAlive: false }) : undefined;
    this.http = axios.create({
      timeout: options.timeoutMs ?? 10_000,
      headers: { 'X-Api-Key': options.apiKey },
      httpsAgent: this.httpsAgent,
      httpAgent: this.httpAgent,
      maxRedirects: 0,
      proxy: false,
    });
  }

  /** POST /api/login {"passive": true}: the user name and session for the socket's `auth`. */
  async passiveLogin(): Promise<LoginResult> {
    const data = await this.request<Record<string, unknown>>('post', 'api/login', 'login', { passive: true });
    const name = typeof data.name === 'string' ? data.name : undefined;
    const session = typeof data.session === 'string' ? data.session : undefined;
    if (name === GLOBAL_KEY_USER) {
      throw new OctoPrintProblem('global_key', 'the global API key cannot open the push socket: use a user or application key', 'global API key refused');
    }
    if (!name || !session) throw new OctoPrintProblem('rejected', 'API key rejected (login returned no user session)');
    return { name, session };
  }

  async version(): Promise<{ server?: string; api?: string; text?: string }> {
    return this.request('get', 'api/version', 'version check');
  }

  /** GET /api/server (1.5+): `safemode` names why plugins are off, or is null. */
  async server(): Promise<{ version?: string; safemode?: string | null }> {
    return this.request('get', 'api/server', 'server info');
  }

  async job(): Promise<ApiJobResponse> {
    return this.request('get', 'api/job', 'job status');
  }

  /** GET /api/files/{origin}/{path}: the file's print statistics, `prints.last` = how its last print ended. */
  async lastPrint(origin: string, path: string): Promise<LastPrint | undefined> {
    const file = `api/files/${encodeURIComponent(origin)}/${path.split('/').map(encodeURIComponent).join('/')}`;
    const data = await this.request<{ prints?: { last?: LastPrint } }>('get', file, 'file print statistics');
    const last = data.prints?.last;
    return last && typeof last === 'object' ? { date: last.date, success: last.success } : undefined;
  }

  /** GET on a plugin's own route (the Spoolman plugin's spool list), at most `maxBytes` of JSON. */
  async pluginJson(path: string, what: string, maxBytes = 2 * 1024 * 1024): Promise<unknown> {
    try {
      const res = await this.http.get<unknown>(endpoint(this.options.base, path), { maxContentLength: maxBytes, timeout: 5_000 });
      return res.data;
    } catch (error) {
      throw classifyError(error, what);
    }
  }

  /** The printer state text, or "not connected" when OctoPrint answers 409 (no printer attached). */
  async printerState(): Promise<string> {
    try {
      const data = await this.request<{ state?: { text?: string } }>('get', 'api/printer?exclude=temperature,sd', 'printer status');
      return data.state?.text ?? 'unknown';
    } catch (error) {
      if (error instanceof OctoPrintProblem && error.message.endsWith('HTTP 409')) return 'printer not connected';
      throw error;
    }
  }

  /**
   * Fetches bytes (webcam image) with a cap; the API key is sent only to OctoPrint's own origin (scheme
   * included: `host` alone would send it in clear to http://octopi.local when the base is https://octopi.local).
   */
  async bytes(url: string, options: { timeoutMs: number; maxBytes: number }): Promise<{ data: Buffer; contentType?: string }> {
    const sameHost = new URL(url).origin === this.options.base.url.origin;
    try {
      const config = { responseType: 'arraybuffer' as const, timeout: options.timeoutMs, maxContentLength: options.maxBytes };
      const res = sameHost
        ? await this.http.get<ArrayBuffer>(url, config)
        : await axios.get<ArrayBuffer>(url, { ...config, httpsAgent: this.httpsAgent, httpAgent: this.httpAgent, maxRedirects: 0, proxy: false });
      const ct = res.headers['content-type'];
      return { data: Buffer.from(res.data), contentType: typeof ct === 'string' ? ct : undefined };
    } catch (error) {
      const e = error as { message?: string };
      if (/maxContentLength/i.test(e.message ?? '')) throw new OctoPrintProblem('http', `snapshot larger than ${options.maxBytes} bytes`);
      throw classifyError(error, 'snapshot');
    }
  }

  private async request<T>(method: 'get' | 'post', path: string, what: string, body?: unknown): Promise<T> {
    try {
      const url = endpoint(this.options.base, path);
      const res = method === 'post' ? await this.http.post<T>(url, body) : await this.http.get<T>(url);
      if (res.data === null || typeof res.data !== 'object') throw new OctoPrintProblem('protocol', `${what}: OctoPrint sent no JSON object`);
      return res.data;
    } catch (error) {
      throw classifyError(error, what);
    }
  }

  dispose(): void {
    this.httpsAgent?.destroy();
    this.httpAgent.destroy();
  }
}
