import * as http from 'node:http';
import { listenOnLoopback, closeHttpServer } from '../loopback';

export interface TokenRequest {
  authorization?: string;
  form: URLSearchParams;
  at: number;
}

/** How the server answers a token request (by default a new token `tok-<n>` valid for `expiresIn`). */
export interface TokenReply {
  status?: number;
  body?: unknown;
  delayMs?: number;
}

/**
 * An OAuth2 token endpoint on 127.0.0.1 (POST /token, client credentials): checks the client's
 * id and secret (HTTP Basic or form body), issues numbered tokens and records every request.
 */
export class FakeTokenServer {
  readonly requests: TokenRequest[] = [];
  readonly issued: string[] = [];
  /** Seconds a token lives; undefined leaves expires_in out. */
  expiresIn: number | undefined = 3600;
  private readonly replies: TokenReply[] = [];
  private readonly server: http.Server;
  port = 0;

  constructor(readonly clientId = 'client-id-7', readonly clientSecret = 'SECRET-oauth-client-9c1e') {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeHttpServer(this.server);
  }

  /** Replies used in order before the default. */
  reply(...replies: TokenReply[]): this {
    this.replies.push(...replies);
    return this;
  }

  /** True when `authorization` is a Bearer token this server issued. */
  isIssued(authorization: string | undefined, latestOnly = false): boolean {
    const m = /^Bearer (.+)$/.exec(authorization ?? '');
    if (!m) return false;
    return latestOnly ? this.issued[this.issued.length - 1] === m[1] : this.issued.includes(m[1]);
  }

  private clientOk(req: http.IncomingMessage, form: URLSearchParams): boolean {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':').map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
      return id === this.clientId && secret === this.clientSecret;
    }
    return form.get('client_id') === this.clientId && form.get('client_secret') === this.clientSecret;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      this.requests.push({ authorization: req.headers.authorization, form, at: Date.now() });
      const scripted = this.replies.shift();
      const answer = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const send = (): void => {
        if (scripted && (scripted.status !== undefined || scripted.body !== undefined)) return answer(scripted.status ?? 200, scripted.body ?? {});
        if (req.method !== 'POST' || form.get('grant_type') !== 'client_credentials') return answer(400, { error: 'unsupported_grant_type' });
        if (!this.clientOk(req, form)) return answer(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        const token = `tok-${this.issued.length + 1}-${Math.random().toString(36).slice(2, 10)}`;
        this.issued.push(token);
        answer(200, { access_token: token, token_type: 'Bearer', ...(this.expiresIn === undefined ? {} : { expires_in: this.expiresIn }) });
      };
      if (scripted?.delayMs) setTimeout(send, scripted.delayMs).unref();
      else send();
    });
  }
}
