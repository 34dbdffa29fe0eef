import { randomBytes } from 'node:crypto';
import { parseBoundedJson } from '../bounded-json';

/**
 * The SDCP V3 envelope (docs/elegoo.md, "SDCP"): every frame is JSON with a `Topic`; the printer pushes
 * `sdcp/status/<id>` and `sdcp/attributes/<id>` to every socket, answers requests on
 * `sdcp/response/<id>` echoing the RequestID, and reports `sdcp/error/<id>` and `sdcp/notice/<id>`.
 */

/** SDCP commands this package sends. */
export const CMD_STATUS = 0;
export const CMD_ATTRIBUTES = 1;
export const CMD_HISTORY_DETAIL = 321;
export const CMD_VIDEO = 386;

/** Largest SDCP frame parsed: a full status is about 1 KB, a history detail list a few KB. */
export const MAX_SDCP_FRAME_BYTES = 256 * 1024;

export type SdcpFrame =
  | { kind: 'pong' }
  | { kind: 'status'; status: Record<string, unknown>; mainboardId?: string }
  | { kind: 'attributes'; attributes: Record<string, unknown>; mainboardId?: string }
  | { kind: 'response'; requestId: string; cmd?: number; data: Record<string, unknown> }
  | { kind: 'error'; code: string }
  | { kind: 'notice' }
  | { kind: 'invalid'; reason: string };

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A fresh request id: 16 hex characters, as the printer's own web UI sends. */
export function newRequestId(): string {
  return randomBytes(8).toString('hex');
}

/** One request frame. The printer accepts an empty MainboardID, so one is sent only when known. */
export function encodeRequest(cmd: number, data: Record<string, unknown>, requestId: string, mainboardId = '', now = Date.now()): string {
  return JSON.stringify({
    Id: '',
    Data: { Cmd: cmd, Data: data, RequestID: requestId, MainboardID: mainboardId, TimeStamp: Math.floor(now / 1000), From: 1 },
    Topic: `sdcp/request/${mainboardId}`,
  });
}

/** Classifies one text frame; never throws. */
export function parseSdcpFrame(data: string | Buffer): SdcpFrame {
  const raw = typeof data === 'string' ? data : data.toString('utf8');
  if (raw.trim() === 'pong') return { kind: 'pong' };
  const parsed = parseBoundedJson(data, { maxBytes: MAX_SDCP_FRAME_BYTES });
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  const frame = record(parsed.value);
  const topic = text(frame?.Topic);
  if (!frame || !topic) return { kind: 'invalid', reason: 'no Topic' };
  const kind = topic.split('/')[1];
  const envelope = record(frame.Data);
  switch (kind) {
    case 'status': {
      const status = record(frame.Status) ?? record(envelope?.Status);
      if (!status) return { kind: 'invalid', reason: 'status without a Status object' };
      return { kind: 'status', status, mainboardId: text(frame.MainboardID) ?? text(envelope?.MainboardID) };
    }
    case 'attributes': {
      const attributes = record(frame.Attributes) ?? record(envelope?.Attributes);
      if (!attributes) return { kind: 'invalid', reason: 'attributes without an Attributes object' };
      return { kind: 'attributes', attributes, mainboardId: text(frame.MainboardID) ?? text(attributes.MainboardID) };
    }
    case 'response': {
      const requestId = text(envelope?.RequestID);
      if (!envelope || !requestId) return { kind: 'invalid', reason: 'response without a RequestID' };
      const cmd = typeof envelope.Cmd === 'number' ? envelope.Cmd : undefined;
      return { kind: 'response', requestId, cmd, data: record(envelope.Data) ?? {} };
    }
    case 'error': {
      const code = record(envelope?.Data)?.ErrorCode;
      return { kind: 'error', code: typeof code === 'string' || typeof code === 'number' ? String(code) : 'unknown' };
    }
    case 'notice':
      return { kind: 'notice' };
    default:
      return { kind: 'invalid', reason: `unknown topic ${topic.slice(0, 40)}` };
  }
}
