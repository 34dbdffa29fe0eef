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
}
