/**
 * What the outbox keeps for one webhook: everything needed to send it again after a restart, and
 * never a secret (signature headers are stripped before the record is built, auth comes from the
 * endpoint's credentials at send time).
 */
export interface StoredRequest {
  webhookId: string;
  eventType?: string;
  method: string;
  /** Empty when the endpoint's url applies. */
  url?: string;
  headers: Record<string, string>;
  /** Node id of the signer that re-signs every attempt. */
  signer?: string;
  topic?: string;
  msgid?: string;
  /**
   * The PrinterEvent the msg carried (msg.event, or an event-shaped msg.payload) as JSON text,
   * without `raw`, at most EVENT_JSON_LIMIT bytes; absent in records written before it existed.
   * Kept as text so it is counted with the record's bytes by the outbox cache.
   */
  event?: string;
  /** How msg.payload looked, so the output msg gets it back in the same form. */
  payloadKind: 'json' | 'string' | 'buffer';
  /** Enqueue time, ms since the epoch. */
  createdAt: number;
  body: Buffer;
}

export const RECORD_ENQUEUE = 1;
export const RECORD_UPDATE = 2;
export const RECORD_DONE = 3;

type Meta = Omit<StoredRequest, 'body'>;

/**
 * The scheduling facts of a record (outbox-scheduling.ts), written as the first key of its metadata JSON,
 * `"ph"`, a JSON string holding `[eventType, createdAt, jobKey]`: a replay reads them from the first bytes
 * without parsing the rest. Records written before it have no `ph` (their metadata is parsed instead);
 * readers that do not know it ignore it.
 */
export interface RecordFacts {
  eventType?: string;
  createdAt?: number;
  jobKey?: string;
}

const FACTS_PREFIX = '{"ph":"';

/** ENQUEUE body: f64 seq, f64 nextAt, u32 attempts, u32 meta length, meta JSON, body bytes. */
/** The ENQUEUE body as a size and a function writing it at an offset (lets the frame be built in one allocation). */
export function enqueueWriter(seq: number, nextAt: number, attempts: number, req: StoredRequest, facts?: RecordFacts): { length: number; fill: (out: Buffer, at: number) => void } {
  const { body, ...rest } = req;
  const { ph: _old, ...meta } = rest as Meta & { ph?: unknown };
  const metaText = JSON.stringify(facts ? { ph: JSON.stringify([facts.eventType ?? null, facts.createdAt ?? null, facts.jobKey ?? null]), ...meta } : meta);
  const metaLength = Buffer.byteLength(metaText, 'utf8');
  return {
    length: 24 + metaLength + body.length,
    fill: (out, at) => {
      out.writeDoubleLE(seq, at);
      out.writeDoubleLE(nextAt, at + 8);
      out.writeUInt32LE(attempts, at + 16);
      out.writeUInt32LE(metaLength, at + 20);
      out.write(metaText, at + 24, metaLength, 'utf8');
      body.copy(out, at + 24 + metaLength);
    },
  };
}

export interface EnqueueHead {
  seq: number;
  nextAt: number;
  attempts: number;
}

export function decodeEnqueueHead(body: Buffer): EnqueueHead {
  return { seq: body.readDoubleLE(0), nextAt: body.readDoubleLE(8), attempts: body.readUInt32LE(16) };
}

/** Only the metadata of an ENQUEUE body (no copy of the body bytes). */
export function decodeEnqueueMeta(body: Buffer): Meta {
  const metaLength = body.readUInt32LE(20);
  return JSON.parse(body.toString('utf8', 24, 24 + metaLength)) as Meta;
}

/** The `ph` facts at the start of an ENQUEUE body's metadata, read without parsing the rest; undefined when it has none. */
export function decodeEnqueueFacts(body: Buffer): RecordFacts | undefined {
  const start = 24;
  const end = start + body.readUInt32LE(20);
  if (end - start < FACTS_PREFIX.length + 2 || body.toString('latin1', start, start + FACTS_PREFIX.length) !== FACTS_PREFIX) return undefined;
  // the string literal ends at the first quote not escaped by a backslash
  let at = start + FACTS_PREFIX.length;
  while (at < end && body[at] !== 0x22) at += body[at] === 0x5c ? 2 : 1;
  if (at >= end) return undefined;
  const inner = JSON.parse(body.toString('utf8', start + FACTS_PREFIX.length - 1, at + 1)) as string;
  const [eventType, createdAt, jobKey] = JSON.parse(inner) as [unknown, unknown, unknown];
  const facts: RecordFacts = {};
  if (typeof eventType === 'string') facts.eventType = eventType;
  if (typeof createdAt === 'number') facts.createdAt = createdAt;
  if (typeof jobKey === 'string') facts.jobKey = jobKey;
  return facts;
}

export function decodeEnqueue(body: Buffer): EnqueueHead & { req: StoredRequest } {
  const metaLength = body.readUInt32LE(20);
  const { ph: _facts, ...meta } = JSON.parse(body.toString('utf8', 24, 24 + metaLength)) as Meta & { ph?: unknown };
  // copy: the caller's buffer is a read chunk that gets reused
  const bytes = Buffer.from(body.subarray(24 + metaLength));
  return { ...decodeEnqueueHead(body), req: { ...meta, body: bytes } };
}

export interface UpdateRecord {
  seq: number;
  nextAt: number;
  attempts: number;
  dead: boolean;
  reason?: string;
}

/** UPDATE body: f64 seq, f64 nextAt, u32 attempts, u8 dead, reason (utf8, rest). */
export function encodeUpdate(u: UpdateRecord): Buffer {
  const reason = Buffer.from(u.reason ?? '', 'utf8');
  const out = Buffer.allocUnsafe(21 + reason.length);
  out.writeDoubleLE(u.seq, 0);
  out.writeDoubleLE(u.nextAt, 8);
  out.writeUInt32LE(u.attempts, 16);
  out.writeUInt8(u.dead ? 1 : 0, 20);
  reason.copy(out, 21);
  return out;
}

export function decodeUpdate(body: Buffer): UpdateRecord {
  const reason = body.toString('utf8', 21);
  return {
    seq: body.readDoubleLE(0),
    nextAt: body.readDoubleLE(8),
    attempts: body.readUInt32LE(16),
    dead: body[20] === 1,
    ...(reason ? { reason } : {}),
  };
}

export function encodeDone(seq: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeDoubleLE(seq, 0);
  return out;
}

export function decodeDone(body: Buffer): number {
  return body.readDoubleLE(0);
}
