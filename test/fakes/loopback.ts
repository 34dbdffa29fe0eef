import type * as http from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/** Listens on 127.0.0.1 at a free port (tests never leave the loopback) and resolves with the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes an HTTP(S) server, dropping kept-alive connections first so the close does not wait for them. */
export async function closeHttpServer(server: http.Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
