import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { ProxyChoice } from './proxy-settings';

/** Longest CONNECT answer head read from a proxy. */
const MAX_HEAD = 16 * 1024;

/** A proxy problem, named with the proxy's host (never its credentials). */
export class ProxyError extends Error {
  constructor(message: string, readonly code = 'EPROXY') {
    super(message);
  }
}

function hostPort(host: string, port: number | string): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** Connects to the proxy itself: plain TCP, or TLS for an https:// proxy (verified with the given options). */
export function connectToProxy(proxy: ProxyChoice, tlsOptions: tls.ConnectionOptions): net.Socket {
  const host = proxy.url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80));
  if (proxy.url.protocol === 'https:') return tls.connect({ ...tlsOptions, host, port, servername: net.isIP(host) ? undefined : host });
  return net.connect({ host, port });
}

/**
 * Opens a CONNECT tunnel through `proxy` to host:port and calls back with the raw socket once the
 * proxy answered 2xx. Every socket callback is guarded: a hostile proxy answer ends in `done(err)`.
 */
export function openTunnel(proxy: ProxyChoice, host: string, port: number, tlsOptions: tls.ConnectionOptions, timeoutMs: number, done: (err: Error | null, socket?: net.Socket) => void): net.Socket {
  const socket = connectToProxy(proxy, tlsOptions);
  const target = hostPort(host, port);
  const proxyName = proxy.url.host;
  let finished = false;
  let head = Buffer.alloc(0);
  const finish = (err: Error | null): void => {
    if (finished) return;
    finished = true;
    socket.removeListener('data', onData);
    socket.setTimeout(0);
    if (err) {
      socket.destroy();
      done(err);
    } else {
      done(null, socket);
    }
  };
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > MAX_HEAD) finish(new ProxyError(`proxy ${proxyName} sent an over-long answer to CONNECT`));
      return;
    }
    const statusLine = head.toString('latin1', 0, head.indexOf('\r\n'));
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) return finish(new ProxyError(`proxy ${proxyName} did not answer CONNECT with HTTP`));
    const status = Number(m[1]);
    if (status < 200 || status >= 300) {
      const reason = (m[2] ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 80);
      const hint = status === 407 ? ' (it wants credentials: set the proxy user name and password)' : '';
      return finish(new ProxyError(`proxy ${proxyName} refused the tunnel to ${target}: HTTP ${status}${reason ? ` ${reason}` : ''}${hint}`));
    }
    const rest = head.subarray(end + 4);
    if (rest.length) socket.unshift(rest);
    finish(null);
  };
  socket.on('data', onData);
  socket.once('error', (e: NodeJS.ErrnoException) => finish(new ProxyError(`proxy ${proxyName} unreachable: ${e.code ?? e.message}`, e.code ?? 'EPROXY')));
  socket.once('close', () => finish(new ProxyError(`proxy ${proxyName} closed the connection before the tunnel to ${target} was open`)));
  socket.setTimeout(timeoutMs, () => finish(Object.assign(new ProxyError(`proxy ${proxyName} did not open the tunnel to ${target} in ${timeoutMs} ms`, 'ETIMEDOUT'))));
  const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
  if (proxy.authorization) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return socket;
}

/**
 * An https agent whose connections run through a CONNECT tunnel: TLS to the target is negotiated
 * inside the tunnel, so the proxy sees only host:port. Keep-alive pooling works as for any agent.
 */
export class TunnelAgent extends https.Agent {
  constructor(private readonly proxy: ProxyChoice, private readonly proxyTls: tls.ConnectionOptions, private readonly timeoutMs: number, options: https.AgentOptions) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = String(options.host ?? 'localhost');
    const port = Number(options.port ?? 443);
    const servername = (options as tls.ConnectionOptions).servername ?? (net.isIP(host) ? undefined : host);
    openTunnel(this.proxy, host, port, this.proxyTls, this.timeoutMs, (err, raw) => {
      if (err || !raw) return callback?.(err ?? new ProxyError('tunnel failed'), undefined as unknown as Duplex);
      // the agent's options carry the request path as `path`, which tls.connect would take for a unix socket
      const { path: _path, ...rest } = options as tls.ConnectionOptions & { path?: unknown; timeout?: number };
      let secure: tls.TLSSocket;
      try {
        secure = tls.connect({ ...rest, socket: raw, servername });
      } catch (e) {
        raw.destroy();
        return callback?.(e instanceof Error ? e : new Error(String(e)), undefined as unknown as Duplex);
      }
      callback?.(null, secure);
    });
    return undefined;
  }
}
