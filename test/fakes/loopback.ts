import type * as http from 'node:http';
import * as net from 'node:net';

/** Listens on 127.0.0.1 at a free port (tests never leave the loopback) and resolves with the port. */
export async function listenOnLoopback(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Closes an HTTP(S) server, dropping kept-alive connections first so the close does not wait for them. */
export async function closeHttpServer(server: http.Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port on 127.0.0.1 nothing listens on (taken, then released): a printer or target that refuses. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
