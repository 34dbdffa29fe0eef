import http from 'node:http';
import https from 'node:https';
import { parseBoundedJson } from '../bounded-json';
import { DigestSession, parseChallenges } from './digest';
import { networkProblem, PrusaLinkProblem, rejected, type AuthStyle } from './problems';
import type { PrusaLinkBase } from './url';

/** Either Digest (user + password) or an X-Api-Key; docs/prusalink.md, "Auth". */
export type PrusaLinkAuth = { username: string; password: string } | { apiKey: string };

export interface ClientOptions {
  base: PrusaLinkBase;
  auth: PrusaLinkAuth;
  /** Per request (default 8 s). */
  timeoutMs?: number;
  /** Largest body accepted for a JSON answer (default 256 KiB). */
  maxJsonBytes?: number;
}

export interface Answer {
  status: number;
  body: Buffer;
  contentType?: string;
}

/** The Raspberry Pi PrusaLink binds its Digest nonce to the User-Agent: it must never change. */
export const USER_AGENT = 'PrintHooks-NodeRED/1 (PrusaLink source)';

const DEFAULT_MAX_JSON = 256 * 1024;

/**
 * The HTTP client of one printer. Requests run strictly one after another over one keep-alive socket
 * (the firmware's web server serves three connections in all and slows down while printing), with
 * X-Api-Key or Digest auth (nonce kept and reused, renewed on a stale 401).
 */
export class PrusaLinkClient {
  readonly style: AuthStyle;
  private readonly agent: http.Agent;
  private readonly digest: DigestSession | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** Requests sent so far, and the most ever open at once (tests check the poller never overlaps). */
  requests = 0;

  constructor(private readonly options: ClientOptions) {
    const secure = options.base.url.protocol === 'https:';
    // A kept socket idle for 20 s is closed by us, before the firmware drops it (60 s) under a request.
    const agentOptions = { keepAlive: true, maxSockets: 1, keepAliveMsecs: 1000, timeout: 20_000 };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    if ('apiKey' in options.auth) {
      this.style = 'apiKey';
    } else {
      this.style = 'digest';
      this.digest = new DigestSession(options.auth.username, options.auth.password);
    }
  }

  /** GET a JSON object; undefined for 204 No Content (no job). */
  async json(path: string, what: string): Promise<Record<string, unknown> | undefined> {
    const answer = await this.get(path, what, this.options.maxJsonBytes ?? DEFAULT_MAX_JSON, 'application/json');
    if (answer.status === 204 || answer.body.length === 0) return undefined;
    const parsed = parseBoundedJson(answer.body, { maxDepth: 16 });
    if (!parsed.ok) throw new PrusaLinkProblem('protocol', `${what}: the printer's answer was refused (${parsed.reason})`, `bad answer (${what})`);
    const data = parsed.value;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new PrusaLinkProblem('protocol', `${what}: the printer sent no JSON object`, `no JSON object (${what})`);
    }
    return data as Record<string, unknown>;
  }

  /** GET raw bytes (a camera image), at most maxBytes. */
  get(path: string, what: string, maxBytes: number, accept = '*/*'): Promise<Answer> {
    const run = () => this.authorised(path, what, maxBytes, accept);
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.disposed = true;
    this.agent.destroy();
  }

  private async authorised(path: string, what: string, maxBytes: number, accept: string): Promise<Answer> {
    // First challenge, then at most one stale nonce: a third 401 in a row means the credentials are wrong.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const answer = await this.sendOnceMore(path, what, maxBytes, accept);
      if (answer.status !== 401 && answer.status !== 403) return this.checked(answer, what);
      const header = answer.headers['www-authenticate'];
      if (answer.status === 401 && this.digest) {
        const challenge = parseChallenges(header).find((c) => c.scheme === 'digest');
        const stale = challenge?.params.stale?.toLowerCase() === 'true';
        const hadNonce = this.digest.hasNonce;
        if (challenge && this.digest.accept(header) && (!hadNonce || stale || attempt === 0)) continue;
      }
      throw rejected(this.style, answer.status);
    }
    throw rejected(this.style, 401);
  }

  /** A GET may be sent again once when the kept socket was closed by the printer just as we wrote to it. */
  private async sendOnceMore(path: string, what: string, maxBytes: number, accept: string): Promise<Answer & { headers: http.IncomingHttpHeaders }> {
    try {
      return await this.send(path, what, maxBytes, accept);
    } catch (error) {
      if (!(error instanceof PrusaLinkProblem) || (error.code !== 'ECONNRESET' && error.code !== 'EPIPE')) throw error;
      return this.send(path, what, maxBytes, accept);
    }
  }

  private checked(answer: Answer & { headers: http.IncomingHttpHeaders }, what: string): Answer {
    const { status } = answer;
    if (status === 503) {
      throw new PrusaLinkProblem('busy', `${what}: PrusaLink is up but its printer is not ready (HTTP 503)`, 'printer not ready (503)');
    }
    if (status < 200 || status >= 300) {
      const detail = errorText(answer.body);
      throw new PrusaLinkProblem('http', `${what} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, `HTTP ${status} (${what})`);
    }
    return { status, body: answer.body, contentType: answer.contentType };
  }

  private send(path: string, what: string, maxBytes: number, accept: string): Promise<Answer & { headers: http.IncomingHttpHeaders }> {
    if (this.disposed) return Promise.reject(new PrusaLinkProblem('config', `${what}: the connection is closed`));
    const url = new URL(path, this.options.base.url);
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: accept };
    if (this.style === 'apiKey' && 'apiKey' in this.options.auth) headers['X-Api-Key'] = this.options.auth.apiKey;
    const authorization = this.digest?.authorization('GET', url.pathname + url.search);
    if (authorization) headers.Authorization = authorization;
    const lib = url.protocol === 'https:' ? https : http;
    this.requests += 1;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, { method: 'GET', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(new PrusaLinkProblem('protocol', `${what}: the answer is larger than ${maxBytes} bytes`, `answer too large (${what})`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const ct = res.headers['content-type'];
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), contentType: typeof ct === 'string' ? ct : undefined, headers: res.headers });
        });
        res.on('error', (error) => reject(networkProblem(error, what)));
      });
      req.setTimeout(this.options.timeoutMs ?? 8000, () => {
        req.destroy(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' }));
      });
      req.on('error', (error) => reject(networkProblem(error, what)));
      req.end();
    });
  }
}

/** The title/text of PrusaLink's JSON error body, when there is one (bounded). */
function errorText(body: Buffer): string | undefined {
  if (body.length === 0 || body.length > 8192) return undefined;
  try {
    const data = JSON.parse(body.toString('utf8')) as { title?: unknown; text?: unknown };
    const parts = [data.title, data.text].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
    return parts.length > 0 ? parts.join(': ').slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
