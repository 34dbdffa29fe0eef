import { parseBoundedJson } from '../bounded-json';

/** The largest frame taken from the printer: a full status with the CFS box info is a few KB. */
export const MAX_CREALITY_FRAME_BYTES = 256 * 1024;

/** One text frame from the port-9999 websocket, classified (docs/creality.md, "Frames"). */
export type CrealityFrame =
  /** The literal text `ok` the printer sends after a `set` (Creality Print ignores it). */
  | { kind: 'ok' }
  /** `{"ModeCode":"heart_beat"}`: some firmware wants the text `ok` back. */
  | { kind: 'heartbeat' }
  /** A JSON object holding some of the status fields: merged into the cached state. */
  | { kind: 'status'; fields: Record<string, unknown> }
  | { kind: 'invalid'; reason: string };

export function parseCrealityFrame(text: string): CrealityFrame {
  const trimmed = text.trim();
  if (trimmed === 'ok') return { kind: 'ok' };
  const parsed = parseBoundedJson(trimmed, { maxBytes: MAX_CREALITY_FRAME_BYTES, maxDepth: 16 });
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'invalid', reason: 'not a JSON object' };
  const fields = value as Record<string, unknown>;
  if (fields.ModeCode === 'heart_beat') return { kind: 'heartbeat' };
  return { kind: 'status', fields };
}

/** A request to the printer: `{"method":"get"|"set","params":{…}}` (Creality Print's own envelope). */
export function encodeRequest(method: 'get' | 'set', params: Record<string, unknown>): string {
  return JSON.stringify({ method, params });
}

/** What the official client asks for after a silence, and what we ask for after connecting. */
export const REQUEST_PRINTER_PARAMS = encodeRequest('get', { ReqPrinterPara: 1 });
export const REQUEST_PRINT_OBJECTS = encodeRequest('get', { reqPrintObjects: 1 });
