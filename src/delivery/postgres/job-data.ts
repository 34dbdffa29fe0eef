import { createHash } from 'crypto';
import { jobKeyOf } from '../event-lanes';
import type { StoredRequest } from '../outbox-record';

/**
 * One webhook as a pg-boss job (docs/scale.md): the same StoredRequest the outbox keeps (never a secret),
 * the body as base64, plus the attempts made so far.
 */
export interface JobData {
  request: Omit<StoredRequest, 'body'> & { body: string };
  attempts: number;
  /** Why the last attempt failed; on a dead letter, why it was given up. */
  reason?: string;
  /** The printer job a progress, layer or terminal event belongs to (a hash of event-lanes.ts jobKeyOf), for coalescing. */
  jobKey?: string;
}

export function jobDataOf(req: StoredRequest, attempts = 0, reason?: string): JobData {
  const data: JobData = { request: { ...req, body: req.body.toString('base64') }, attempts };
  if (reason) data.reason = reason;
  const jobKey = jobKeyOf(req.eventType, req.event);
  // hashed: the key holds a NUL separator, which jsonb cannot store
  if (jobKey) data.jobKey = createHash('sha256').update(jobKey).digest('hex').slice(0, 32);
  return data;
}

/** The job's request; throws on a job that is not one of ours. */
export function requestOf(data: unknown): { req: StoredRequest; attempts: number } {
  const d = data as Partial<JobData> | null;
  const r = d?.request;
  if (!r || typeof r.webhookId !== 'string' || typeof r.body !== 'string' || !r.headers || typeof r.headers !== 'object') {
    throw new Error('a job in the PostgreSQL queue is not a PrintHooks request');
  }
  const attempts = typeof d.attempts === 'number' && d.attempts >= 0 ? d.attempts : 0;
  return { req: { ...r, body: Buffer.from(r.body, 'base64') } as StoredRequest, attempts };
}

/**
 * The job id of a webhook id: a UUID derived from it, so the same msg enqueued twice (by one instance or by
 * two) is one job; pg-boss inserts with ON CONFLICT DO NOTHING.
 */
export function jobIdOf(webhookId: string): string {
  const h = createHash('sha256').update(`printhooks:${webhookId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Queue names of a sender: pg-boss allows letters, digits, _ and -. */
export function queueNamesOf(senderId: string): { main: string; dead: string } {
  const id = senderId.replace(/[^A-Za-z0-9_-]/g, '_');
  return { main: `printhooks-sender-${id}`, dead: `printhooks-sender-${id}-dead` };
}
