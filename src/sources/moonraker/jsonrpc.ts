/** JSON-RPC 2.0 frames as Moonraker sends them over its websocket (docs/moonraker.md, "JSON-RPC"). */

import { parseBoundedJson } from '../bounded-json';

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
  const parsed = parseBoundedJson(text);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  const data = parsed.value;
  if (!isObject(data)) return { kind: 'invalid', reason: 'not a JSON object' };
  if (typeof data.method === 'string') {
    // Notifications always carry params as an array; some carry none at all.
    const params = Array.isArray(data.params) ? data.params : [];
    return { kind: 'notification', method: data.method, params };
  }
  if (typeof data.id === 'number' && Number.isSafeInteger(data.id)) {
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

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The calls sent and not yet answered, by request id. Each call settles exactly once: by its
 * response, its timeout, a failed send, or the socket going away.
 */
export class PendingCalls {
  private readonly table = new Map<number, Pending>();
  private nextId = 1;

  /** Registers a call; send the request under the returned id. */
  open(method: string, timeoutMs: number): { id: number; answer: Promise<unknown> } {
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.table.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.table.set(id, { method, resolve, reject, timer });
    });
    return { id, answer };
  }

  /** A response frame: settles its call; an id we are not waiting for is ignored. */
  settle(response: { id: number; result?: unknown; error?: RpcError }): void {
    const pending = this.take(response.id);
    if (!pending) return;
    if (response.error) pending.reject(new RpcCallError(pending.method, response.error.code, response.error.message));
    else pending.resolve(response.result);
  }

  /** The request could not be sent. */
  fail(id: number, error: Error): void {
    this.take(id)?.reject(error);
  }

  /** The socket went away: every open call fails with `error`. */
  rejectAll(error: Error): void {
    for (const id of [...this.table.keys()]) this.fail(id, error);
  }

  get size(): number {
    return this.table.size;
  }

  private take(id: number): Pending | undefined {
    const pending = this.table.get(id);
    if (!pending) return undefined;
    this.table.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }
}
