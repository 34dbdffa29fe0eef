import { randomUUID } from 'crypto';
import { literalRefusal, type DestinationPolicy } from './destination-policy';
import { redactUrl } from './endpoint-config';
import type { StoredRequest } from './outbox-record';

export interface MsgLike {
  _msgid?: unknown;
  topic?: unknown;
  payload?: unknown;
  headers?: unknown;
  url?: unknown;
  method?: unknown;
  webhook?: unknown;
  event?: unknown;
}

export interface RequestRules {
  /** Let msg.url and msg.method override the endpoint's. */
  allowOverride: boolean;
  /** Lower-case header names a signer sets: never written to disk. */
  stripHeaders?: readonly string[];
  /** The endpoint's destination policy and url: a msg.url elsewhere that is an address literal is checked here. */
  destinations?: DestinationPolicy;
  endpointUrl?: string;
  /** Refuse a plain http:// msg.url. */
  httpsOnly?: boolean;
  now?: number;
}

/** Largest stored event JSON (bytes); a larger event keeps only its identifying fields, or is not stored. */
export const EVENT_JSON_LIMIT = 64 * 1024;

const CORE_EVENT_FIELDS = ['id', 'type', 'time', 'printer', 'job'] as const;

function isEventShaped(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return false;
  const v = value as { type?: unknown; printer?: unknown };
  return typeof v.type === 'string' && !!v.printer && typeof v.printer === 'object';
}

function cappedJson(value: Record<string, unknown>): string | undefined {
  try {
    const text = JSON.stringify(value);
    return text !== undefined && Buffer.byteLength(text, 'utf8') <= EVENT_JSON_LIMIT ? text : undefined;
  } catch {
    return undefined; // circular or BigInt: no event rather than a refused msg
  }
}

/**
 * The msg's PrinterEvent as stored in the outbox: msg.event, else msg.payload when it is itself an
 * event ({type, printer}); `raw` (the source's frame) is dropped; over EVENT_JSON_LIMIT only
 * id/type/time/printer/job are kept, and if even that is too big, nothing.
 */
export function eventJsonOf(msg: MsgLike): string | undefined {
  const source = isEventShaped(msg.event) ? msg.event : isEventShaped(msg.payload) ? msg.payload : undefined;
  if (!source) return undefined;
  const { raw: _raw, ...event } = source;
  const full = cappedJson(event);
  if (full !== undefined) return full;
  const core: Record<string, unknown> = {};
  for (const key of CORE_EVENT_FIELDS) if (event[key] !== undefined) core[key] = event[key];
  return cappedJson(core);
}

const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'GET']);

/** An HTTP token (RFC 9110 §5.6.2): what Node's http client accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What Node's http client refuses in a header value: line breaks, other control characters, and beyond Latin-1. */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * A value Node would refuse fails every attempt as a network error for the whole schedule, so it is
 * refused here (docs/delivery.md, "Checked at input"). The value is never repeated: it may be a token.
 */
function checkedHeaderValue(name: string, value: string): string {
  const bad = BAD_HEADER_VALUE.exec(value);
  if (!bad) return value;
  const what = bad[0] === '\r' || bad[0] === '\n' ? 'a line break' : bad[0].charCodeAt(0) > 0xff ? 'a character beyond Latin-1 (encode it, e.g. RFC 2047)' : 'a control character';
  throw new Error(`msg.headers.${name} contains ${what} at position ${bad.index}: a header value must be one line of Latin-1 text`);
}

/**
 * msg.url as the endpoint's url is checked: http(s) and no user info (a password would reach the outbox);
 * HTTPS-only, and the destination policy for an address literal on another origin than the endpoint's
 * (a name is checked at each attempt, after DNS: docs/delivery.md, "Order of decisions").
 */
function checkedUrl(url: string, rules: RequestRules): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`msg.url "${redactUrl(url)}" is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`msg.url must be http:// or https://, not ${parsed.protocol}`);
  if (parsed.username || parsed.password) {
    throw new Error("msg.url must not contain a user name or password: put them in the endpoint's username and password (kept as credentials)");
  }
  if (rules.httpsOnly && parsed.protocol === 'http:') throw new Error('msg.url is http:// but the endpoint is HTTPS-only');
  if (rules.destinations && !sameOrigin(parsed, rules.endpointUrl)) {
    const refused = literalRefusal(url, rules.destinations);
    if (refused) throw new Error(`msg.url: ${refused.message}`);
  }
  return url;
}

function sameOrigin(url: URL, other: string | undefined): boolean {
  try {
    return other !== undefined && other !== '' && new URL(other).origin === url.origin;
  } catch {
    return false;
  }
}

function idOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}

function typeOf(msg: MsgLike): string | undefined {
  for (const source of [msg.event, msg.payload]) {
    if (source && typeof source === 'object' && typeof (source as { type?: unknown }).type === 'string') {
      return (source as { type: string }).type;
    }
  }
  return typeof msg.topic === 'string' && msg.topic !== '' ? msg.topic : undefined;
}

/**
 * Turns an input msg into what the outbox stores. Throws an Error naming the msg field when the
 * msg cannot be sent. A signed msg (msg.webhook from the signer) keeps its exact bytes; an unsigned
 * object payload is serialised once as JSON.
 */
export function requestFromMsg(msg: MsgLike, rules: RequestRules): StoredRequest {
  const headers: Record<string, string> = {};
  if (msg.headers !== undefined && msg.headers !== null) {
    if (typeof msg.headers !== 'object' || Array.isArray(msg.headers)) throw new Error('msg.headers must be an object');
    const strip = new Set((rules.stripHeaders ?? []).map((h) => h.toLowerCase()));
    for (const [name, value] of Object.entries(msg.headers as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      if (!HEADER_NAME.test(name)) throw new Error(`msg.headers: ${JSON.stringify(name)} is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
      const lower = name.toLowerCase();
      if (strip.has(lower)) continue;
      if (typeof value === 'object') throw new Error(`msg.headers.${name} must be a string`);
      headers[lower] = checkedHeaderValue(name, String(value));
    }
  }

  let body: Buffer;
  let payloadKind: StoredRequest['payloadKind'];
  const payload = msg.payload;
  if (Buffer.isBuffer(payload)) {
    body = payload;
    payloadKind = 'buffer';
  } else if (typeof payload === 'string') {
    body = Buffer.from(payload, 'utf8');
    payloadKind = 'string';
  } else if (payload === undefined || payload === null) {
    throw new Error('msg.payload is missing: nothing to send');
  } else if (typeof payload === 'object' || typeof payload === 'number' || typeof payload === 'boolean') {
    let text: string;
    try {
      text = JSON.stringify(payload);
    } catch (e) {
      throw new Error(`msg.payload cannot be serialised as JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    body = Buffer.from(text, 'utf8');
    payloadKind = 'json';
    if (!headers['content-type']) headers['content-type'] = 'application/json';
  } else {
    throw new Error(`msg.payload of type ${typeof payload} cannot be sent`);
  }

  let signer: string | undefined;
  if (msg.webhook !== undefined && msg.webhook !== null) {
    if (typeof msg.webhook !== 'object') throw new Error('msg.webhook must be an object');
    const s = (msg.webhook as { signer?: unknown }).signer;
    if (s !== undefined && (typeof s !== 'string' || s === '')) throw new Error('msg.webhook.signer must be a node id');
    signer = s as string | undefined;
  }

  const req: StoredRequest = {
    webhookId: idOf(msg.webhook) ?? idOf(msg.event) ?? idOf(msg.payload) ?? `msg_${randomUUID().replace(/-/g, '')}`,
    method: 'POST',
    headers,
    payloadKind,
    createdAt: rules.now ?? Date.now(),
    body,
  };
  const eventType = typeOf(msg);
  if (eventType) req.eventType = eventType;
  if (signer) req.signer = signer;
  if (typeof msg.topic === 'string' && msg.topic !== '') req.topic = msg.topic;
  if (typeof msg._msgid === 'string') req.msgid = msg._msgid;
  const event = eventJsonOf(msg);
  if (event !== undefined) req.event = event;

  if (rules.allowOverride) {
    if (msg.method !== undefined && msg.method !== null && msg.method !== '') {
      const method = String(msg.method).toUpperCase();
      if (!METHODS.has(method)) throw new Error(`msg.method "${String(msg.method)}" is not one of ${[...METHODS].join(', ')}`);
      req.method = method;
    }
    if (msg.url !== undefined && msg.url !== null && msg.url !== '') {
      if (typeof msg.url !== 'string') throw new Error('msg.url must be a string');
      req.url = checkedUrl(msg.url, rules);
    }
  }
  return req;
}

/** The msg sent on an output after delivery or as a dead letter, rebuilt from the stored request. */
export function msgFromRequest(req: StoredRequest): Record<string, unknown> {
  let payload: unknown;
  if (req.payloadKind === 'buffer') payload = req.body;
  else if (req.payloadKind === 'string') payload = req.body.toString('utf8');
  else {
    try {
      payload = JSON.parse(req.body.toString('utf8'));
    } catch {
      payload = req.body.toString('utf8');
    }
  }
  const msg: Record<string, unknown> = { payload, headers: { ...req.headers }, method: req.method };
  if (req.msgid) msg._msgid = req.msgid;
  if (req.topic) msg.topic = req.topic;
  // a record queued before msg.url was checked for user info (see checkedUrl) may still hold some
  if (req.url) msg.url = redactUrl(req.url);
  if (req.event) {
    try {
      msg.event = JSON.parse(req.event);
    } catch {
      // unreadable event text: the msg goes out without msg.event rather than not at all
    }
  }
  return msg;
}
