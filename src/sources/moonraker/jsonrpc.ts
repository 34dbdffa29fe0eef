/** JSON-RPC 2.0 frames as Moonraker sends them over its websocket (protocols.md §2.1). */

export interface RpcError {
  code: number;
  message: string;
}

export type RpcFrame =
  | { kind: 'response'; id: number; result?: unknown; error?: RpcError }
  | { kind: 'notification'; method: string; params: unknown[] }
  | { kind: 'invalid'; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Classifies one text frame; never throws, bad input comes back as `invalid` with the reason. */
export function parseFrame(text: string): RpcFrame {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (!isObject(data)) return { kind: 'invalid', reason: 'not a JSON object' };
  if (typeof data.method === 'string') {
    // Notifications always carry params as an array; some carry none at all.
    const params = Array.isArray(data.params) ? data.params : [];
    return { kind: 'notification', method: data.method, params };
  }
  if (typeof data.id === 'number') {
    if (isObject(data.error)) {
      const code = typeof data.error.code === 'number' ? data.error.code : -1;
      const message = typeof data.error.message === 'string' ? data.error.message : 'unknown error';
      return { kind: 'response', id: data.id, error: { code, message } };
    }
    if ('result' in data) return { kind: 'response', id: data.id, result: data.result };
    return { kind: 'invalid', reason: 'response without result or error' };
  }
  return { kind: 'invalid', reason: 'neither a response nor a notification' };
}

export function encodeRequest(id: number, method: string, params?: Record<string, unknown>): string {
  const frame: Record<string, unknown> = { jsonrpc: '2.0', method, id };
  if (params !== undefined) frame.params = params;
  return JSON.stringify(frame);
}

/** The error a failed call rejects with: keeps Moonraker's code so callers can tell cases apart. */
export class RpcCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message} (${code})`);
    this.name = 'RpcCallError';
  }
}
