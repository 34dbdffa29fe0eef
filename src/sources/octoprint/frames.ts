import { parseBoundedJson } from '../bounded-json';

/**
 * Push messages on OctoPrint's raw websocket: one JSON object `{"<type>": payload}` per text frame
 * (docs/octoprint.md). This file only recognises shapes; what they mean is in monitor.ts.
 */

export interface StateFlags {
  operational?: boolean;
  printing?: boolean;
  cancelling?: boolean;
  pausing?: boolean;
  resuming?: boolean;
  finishing?: boolean;
  closedOrError?: boolean;
  error?: boolean;
  paused?: boolean;
  ready?: boolean;
}

export interface StatePayload {
  state?: { text?: string; flags?: StateFlags; error?: string };
  job?: { file?: { name?: string | null; path?: string | null; display?: string | null; origin?: string | null } };
  progress?: { completion?: number | null; printTime?: number | null; printTimeLeft?: number | null };
  markings?: Array<{ type?: string; time?: number }>;
  /** Temperature readings since the last message, oldest first (`tool0`, `bed`: {actual, target}). */
  temps?: Array<{ bed?: { actual?: number | null } | null }>;
  /** Terminal lines since the last message; only those our subscribe filter lets through (messages.ts). */
  logs?: unknown[];
  serverTime?: number;
}

export type PushFrame =
  | { kind: 'connected'; version?: string }
  | { kind: 'reauthRequired'; reason: string }
  | { kind: 'history'; state: StatePayload; raw: unknown }
  | { kind: 'current'; state: StatePayload; raw: unknown }
  | { kind: 'event'; type: string; payload: Record<string, unknown>; raw: unknown }
  | { kind: 'plugin'; plugin: string; data: Record<string, unknown>; raw: unknown }
  | { kind: 'ignored'; type: string }
  | { kind: 'malformed'; problem: string };

/** Message types we know and deliberately do not use. "Clients must ignore any unknown messages." */
const KNOWN_UNUSED = new Set(['slicingProgress', 'timelapse', 'renderProgress']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function parseFrame(data: string | Buffer): PushFrame {
  const bounded = parseBoundedJson(data);
  if (!bounded.ok) return { kind: 'malformed', problem: bounded.reason };
  const parsed = bounded.value;
  if (!isObject(parsed)) return { kind: 'malformed', problem: 'not a JSON object' };
  const keys = Object.keys(parsed);
  if (keys.length !== 1) return { kind: 'malformed', problem: `expected one message type, got ${keys.length}` };
  const type = keys[0];
  const body = parsed[type];
  switch (type) {
    case 'connected':
      return { kind: 'connected', version: isObject(body) && typeof body.version === 'string' ? body.version : undefined };
    case 'reauthRequired':
      return { kind: 'reauthRequired', reason: isObject(body) && typeof body.reason === 'string' ? body.reason : 'unknown' };
    case 'history':
    case 'current':
      if (!isObject(body)) return { kind: 'malformed', problem: `${type} is not an object` };
      return { kind: type, state: body as StatePayload, raw: body };
    case 'event': {
      if (!isObject(body) || typeof body.type !== 'string') return { kind: 'malformed', problem: 'event without a type' };
      const payload = isObject(body.payload) ? body.payload : {};
      return { kind: 'event', type: body.type, payload, raw: body };
    }
    case 'plugin': {
      if (!isObject(body) || typeof body.plugin !== 'string') return { kind: 'malformed', problem: 'plugin message without a plugin id' };
      return { kind: 'plugin', plugin: body.plugin, data: isObject(body.data) ? body.data : {}, raw: body };
    }
    default:
      return { kind: 'ignored', type: KNOWN_UNUSED.has(type) ? type : `unknown:${type}` };
  }
}
