import { randomBytes } from 'node:crypto';

// Standard Webhooks: the id goes into "id.timestamp.body", so it must not contain a full stop.
const SAFE_ID = /^[A-Za-z0-9_:-]{1,200}$/;

/** A new id in the `msg_` style of Standard Webhooks. */
export function newWebhookId(): string {
  return `msg_${randomBytes(16).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** The webhook id: the event id (so retries and replays keep it), else the body's id, else a new one. */
export function pickWebhookId(candidates: readonly unknown[]): string {
  for (const c of candidates) {
    if (typeof c === 'string' && SAFE_ID.test(c)) return c;
  }
  return newWebhookId();
}
