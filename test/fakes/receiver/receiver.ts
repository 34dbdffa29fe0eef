import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { listenOnLoopback, closeHttpServer } from '../loopback';

/** A request as the receiver saw it. */
export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
  /** The client's port: the same one on each request over a kept-alive connection. */
  remotePort?: number;
}

/** How to answer one request. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (a timeout test). */
  delayMs?: number;
  /** Drop the connection without an answer. */
  destroy?: boolean;
}

export type Script = (req: Received, index: number) => Reply | undefined;

/**
 * A real HTTP receiver on 127.0.0.1 (ephemeral port) for delivery tests: answers by a script
 * (per request, by index) or by a queue of replies, defaulting to 204, and records every request.
 */
export class FakeReceiver {
  readonly received: Received[] = [];
  private readonly replies: Reply[] = [];
  private script: Script | undefined;
  private readonly server: http.Server;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  port = 0;

  /** `tls: true` serves HTTPS with a self-signed certificate for 127.0.0.1 (made for these tests). */
  constructor(readonly options: { tls?: boolean } = {}) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.handle(req, res);
    this.server = options.tls
      ? https.createServer({ key: fs.readFileSync(path.join(__dirname, 'self-signed-test.key')), cert: fs.readFileSync(path.join(__dirname, 'self-signed-test.crt')) }, handler)
      : http.createServer(handler);
    this.server.keepAliveTimeout = 5000;
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  /** Replies used in order, one per request; when empty the script (or 204) answers. */
  reply(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  answer(script: Script): this {
    this.script = script;
    return this;
  }

  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs = 8000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver got ${this.received.length} of ${count} requests`)), timeoutMs);
      this.waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  /** The next request to arrive after this call. */
  async next(timeoutMs = 8000): Promise<Received> {
    const index = this.received.length;
    await this.waitFor(index + 1, timeoutMs);
    return this.received[index];
  }

  stop(): Promise<void> {
    return closeHttpServer(this.server);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now(), remotePort: req.socket.remotePort };
      const index = this.received.length;
      this.received.push(got);
      for (const w of this.waiters.filter((x) => this.received.length >= x.count)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
      const reply = this.replies.shift() ?? this.script?.(got, index) ?? {};
      const send = (): void => {
        if (reply.destroy) {
          req.socket.destroy();
          return;
        }
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 204, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  }
}
