import type { PrinterEvent } from '../event';
import { referenceOf, type CaptureLookup } from '../snapshot/capture-store';
import { renderNode } from './body';
import type { TemplateConfig } from './config';
import { encodeForm, encodeMultipart, MIME } from './encode';
import { RenderError } from './errors';
import { renderHeaders } from './headers';
import { credentialsForMsg } from './secret-credentials';
import type { PresetCredentials } from './presets';
import { asText, MISSING, type Scope } from './scope';
import { renderUrl } from './url';

export interface RenderDeps {
  /** The node's real credentials. */
  credentials: PresetCredentials;
  /**
   * The node id that owns the credentials: they go into the msg as secret references issued for it
   * (unless the config's secretsInMsg is on). Without an owner the credentials are inserted as given
   * (the editor preview, which passes stand-ins).
   */
  secretOwner?: string;
  /** The printer's current image, or undefined; may reject. */
  fetchSnapshot?: (printerId: string) => Promise<Buffer | undefined>;
  snapshotTimeoutMs?: number;
  /**
   * The image captured when the event happened (docs/snapshots.md), waiting a bounded time for one in
   * flight; preferred over the current image.
   */
  capturedSnapshot?: (eventId: string) => Promise<CaptureLookup>;
  warn?: (message: string) => void;
  /** Evaluates the prepared JSONata expression against the msg (jsonata mode). */
  evaluateJsonata?: (msg: Record<string, unknown>) => Promise<unknown>;
}

/** What the node writes onto the msg (docs/template.md). */
export interface Rendered {
  payload: unknown;
  headers: Record<string, string>;
  method: string;
  url?: string;
  event: unknown;
}

/** The event a msg carries: msg.payload, or msg.event when the payload was already replaced. */
export function pickEvent(msg: Record<string, unknown>): unknown {
  const payload = msg.payload;
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload) && !Buffer.isBuffer(payload)) return payload;
  if (msg.event !== null && typeof msg.event === 'object') return msg.event;
  return payload;
}

function isPrinterEvent(value: unknown): value is PrinterEvent {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const printer = v.printer as Record<string, unknown> | undefined;
  return typeof v.type === 'string' && typeof v.time === 'string' && printer !== null && typeof printer === 'object' && typeof printer.name === 'string';
}

export async function renderTemplate(config: TemplateConfig, msg: Record<string, unknown>, deps: RenderDeps): Promise<Rendered> {
  const event = pickEvent(msg);
  const credentials = credentialsForMsg(deps.secretOwner, deps.credentials, config.secretsInMsg);
  const specials: Record<string, unknown> = { $token: credentials.token, $user: credentials.user };
  if (config.usesSnapshot) specials.$snapshot = await snapshotFor(event, deps, config.preset?.snapshotLimit);
  const scope: Scope = { event, msg, specials };

  let body: unknown;
  let contentType = config.contentType;
  let presetHeaders: Record<string, string> = {};
  if (config.preset) {
    if (!isPrinterEvent(event)) throw new RenderError(`msg.payload: preset ${config.preset.name} needs a PrintHooks event (an object with type, time and printer)`);
    const snapshot = specials.$snapshot as Buffer | undefined;
    const out = config.preset.render({ event, options: config.options, credentials, snapshot });
    body = out.body;
    contentType = out.contentType;
    presetHeaders = out.headers ?? {};
  } else if (config.mode === 'jsonata') {
    if (!deps.evaluateJsonata) throw new RenderError('body: JSONata is not available');
    body = await deps.evaluateJsonata(msg);
    if (body === undefined) throw new RenderError('body: the JSONata expression gave no value');
  } else {
    body = renderNode(config.body!, scope, config.missing);
    if (body === MISSING) body = contentType === 'json' ? {} : '';
  }

  const headers: Record<string, string> = { ...presetHeaders, ...renderHeaders(config.headers, scope, config.missing) };
  let payload: unknown;
  if (contentType === 'multipart') {
    const encoded = encodeMultipart(body);
    payload = encoded.body;
    headers['content-type'] = encoded.contentType;
  } else {
    if (contentType === 'json') payload = body !== null && typeof body === 'object' ? body : JSON.stringify(body ?? null);
    else if (contentType === 'form') payload = encodeForm(body);
    else payload = asText(body);
    headers['content-type'] ??= MIME[contentType];
  }
  const rendered: Rendered = { payload, headers: sortContentTypeFirst(headers), method: config.method, event };
  if (config.url) rendered.url = renderUrl(config.url, scope, config.missing);
  return rendered;
}

function sortContentTypeFirst(headers: Record<string, string>): Record<string, string> {
  const { 'content-type': ct, ...rest } = headers;
  return { 'content-type': ct, ...rest };
}

/** Fetches the snapshot with a timeout; on any problem warns and gives undefined (the part is dropped). */
async function snapshotFor(event: unknown, deps: RenderDeps, maxBytes = Infinity): Promise<Buffer | undefined> {
  const printerId = isPrinterEvent(event) ? (event.printer as { id?: unknown }).id : undefined;
  const warn = deps.warn ?? (() => undefined);
  if (typeof printerId !== 'string' || !deps.fetchSnapshot) {
    warn('snapshot: the msg names no printer with a snapshot source; the image part is left out');
    return undefined;
  }
  const captured = await capturedImage(event as PrinterEvent, deps, maxBytes, warn);
  if (captured) return captured;
  const timeoutMs = deps.snapshotTimeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const image = await Promise.race([
      deps.fetchSnapshot(printerId),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    if (!image || image.length === 0) {
      warn(`snapshot: no snapshot source for printer ${printerId}; the image part is left out`);
      return undefined;
    }
    if (image.length > maxBytes) {
      warn(`snapshot: the image of printer ${printerId} is ${image.length} bytes, over the target's ${maxBytes}; it is left out`);
      return undefined;
    }
    return image;
  } catch (err) {
    warn(`snapshot: fetching the image of printer ${printerId} failed (${(err as Error).message}); the image part is left out`);
    return undefined;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * The image captured at the event, with its reference written onto the event; undefined (after a warning
 * when a capture was asked for but is not there) to fall back to the current image.
 */
async function capturedImage(event: PrinterEvent, deps: RenderDeps, maxBytes: number, warn: (message: string) => void): Promise<Buffer | undefined> {
  if (typeof event.id !== 'string' || !deps.capturedSnapshot) return undefined;
  const found = await deps.capturedSnapshot(event.id).catch((err: unknown) => ({ state: 'failed' as const, reason: (err as Error).message }));
  if (found.state === 'none') return undefined;
  if (found.state === 'failed') {
    warn(`snapshot: ${found.reason}; the current image is attached instead`);
    return undefined;
  }
  if (found.image.bytes.length > maxBytes) {
    warn(`snapshot: the image captured at ${event.type} is ${found.image.bytes.length} bytes, over the target's ${maxBytes}; the current image is tried instead`);
    return undefined;
  }
  event.snapshot = referenceOf(found.image);
  return found.image.bytes;
}
