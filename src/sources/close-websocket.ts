import WebSocket from 'ws';

/**
 * Closes a source's websocket when its node stops: a close handshake, cut hard after `graceMs` (a printer
 * that does not answer must not hold up a redeploy). Resolves once the socket is closed. Used by every
 * websocket source.
 */
export function closeWebSocket(socket: WebSocket | undefined, graceMs = 800): Promise<void> {
  if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, graceMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close(1000);
  });
}
