import * as http from 'node:http';
import * as net from 'node:net';
import { listenOnLoopback } from '../loopback';

/** What passed through the proxy. */
export interface Passed {
  /** `CONNECT` for a tunnel, else the forwarded method. */
  method: string;
  /** host:port for CONNECT, the absolute url for a forwarded request. */
  target: string;
  proxyAuthorization?: string;
  /** Forwarded requests only: the Host header and body the proxy saw (a tunnel's content is encrypted). */
  host?: string;
  body?: Buffer;
}

/**
 * A small forward proxy on 127.0.0.1 for transport tests: CONNECT tunnels (https targets) and
 * absolute-form requests (http targets), each recorded. With `credentials` it answers 407 unless
 * Proxy-Authorization carries them. It only connects to 127.0.0.1 (tests never leave loopback).
 */
export class FakeProxy {
  readonly passed: Passed[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(readonly options: { credentials?: string } = {}) {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.tunnel(req, socket, head));
    this.server.on('connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private allowed(req: http.IncomingMessage): boolean {
    if (!this.options.credentials) return true;
    return req.headers['proxy-authorization'] === `Basic ${Buffer.from(this.options.credentials).toString('base64')}`;
  }

  private tunnel(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    socket.on('error', () => undefined);
    this.passed.push({ method: 'CONNECT', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
    if (!this.allowed(req)) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const port = Number(/:(\d+)$/.exec(req.url ?? '')?.[1]);
    const upstream = net.connect({ host: '127.0.0.1', port }, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      this.passed.push({ method: req.method ?? '', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'], host: req.headers.host, body });
      if (!this.allowed(req)) {
        res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' });
        res.end();
        return;
      }
      let target: URL;
      try {
        target = new URL(req.url ?? '');
      } catch {
        res.writeHead(400);
        res.end('not absolute form');
        return;
      }
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      const out = http.request({ host: '127.0.0.1', port: Number(target.port || 80), method: req.method, path: `${target.pathname}${target.search}`, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => {
        res.writeHead(502);
        res.end('upstream failed');
      });
      out.end(body);
    });
  }
}
