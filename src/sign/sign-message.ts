import { serialiseBody } from './body';
import { hasHeader, mergeHeaders } from './headers';
import type { SchemeName } from './scheme';
import type { AttemptSigner } from './signer-registry';
import { pickWebhookId } from './webhook-id';

export interface MessageParts {
  payload?: unknown;
  headers?: unknown;
  event?: unknown;
  topic?: unknown;
}

export interface SignedParts {
  payload: string | Buffer;
  headers: Record<string, unknown>;
  webhook: { id: string; timestamp: number; signer: string };
}

function field(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * What the signer node does to a msg (docs/signing.md): serialise the body once, sign those bytes, merge the
 * signature headers into msg.headers, and describe the webhook for the sender's re-signing.
 */
export function signMessage(msg: MessageParts, signer: AttemptSigner, scheme: SchemeName, signerId: string, now: number): SignedParts {
  const body = serialiseBody(msg.payload);
  const id = pickWebhookId([field(msg.event, 'id'), field(msg.payload, 'id')]);
  const timestamp = Math.floor(now / 1000);
  const extra: Record<string, string> = {};
  if (typeof msg.payload === 'object' && !Buffer.isBuffer(msg.payload) && !hasHeader(asObject(msg.headers), 'content-type')) {
    extra['content-type'] = 'application/json';
  }
  if (scheme === 'github') {
    const type = field(msg.event, 'type') ?? field(msg.payload, 'type') ?? msg.topic;
    extra['x-github-event'] = typeof type === 'string' && type ? type : 'printhooks';
  }
  const headers = mergeHeaders(msg.headers, { ...extra, ...signer.sign({ id, body: body.bytes, timestamp }) });
  return { payload: body.payload, headers, webhook: { id, timestamp, signer: signerId } };
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}
