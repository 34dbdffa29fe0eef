import type { StoredRequest } from './outbox-record';

/** One queued webhook as held in memory: a small index into the log, plus the body while cached. */
export interface OutboxEntry {
  readonly seq: number;
  attempts: number;
  nextAt: number;
  dead: boolean;
  reason?: string;
  /** Where its ENQUEUE record starts in the log, and its size. */
  offset: number;
  length: number;
  cached?: StoredRequest;
  /** Scheduling facts read from the record (event-lanes.ts): its event type, its job (progress, layer, terminal only) and enqueue time. */
  eventType?: string;
  jobKey?: string;
  createdAt?: number;
}
