import { internEventType, jobKeyOf } from './event-lanes';
import type { OutboxEntry } from './outbox-entry';
import type { RecordFacts, StoredRequest } from './outbox-record';

/** The facts of a request's metadata: at enqueue, and at replay for records written before `ph` existed. */
export function factsOf(meta: Pick<StoredRequest, 'eventType' | 'event' | 'createdAt'>): RecordFacts {
  const eventType = internEventType(meta.eventType);
  return {
    eventType,
    createdAt: typeof meta.createdAt === 'number' && Number.isFinite(meta.createdAt) ? meta.createdAt : undefined,
    jobKey: jobKeyOf(eventType, typeof meta.event === 'string' ? meta.event : undefined),
  };
}

/** The facts an entry keeps, to be written again (compaction). */
export function factsOfEntry(entry: OutboxEntry): RecordFacts {
  return { eventType: entry.eventType, createdAt: entry.createdAt, jobKey: entry.jobKey };
}

/**
 * A new in-memory entry with the scheduling facts of its record's metadata (at enqueue and at replay).
 * Every entry is built by this one literal, so all have the same shape (100,000 of them stay small).
 */
export function newEntry(seq: number, attempts: number, nextAt: number, offset: number, length: number, facts: RecordFacts, cached: StoredRequest | undefined): OutboxEntry {
  return {
    seq,
    attempts,
    nextAt,
    dead: false,
    reason: undefined,
    offset,
    length,
    cached,
    eventType: internEventType(facts.eventType),
    jobKey: facts.jobKey,
    createdAt: typeof facts.createdAt === 'number' && Number.isFinite(facts.createdAt) ? facts.createdAt : undefined,
  };
}
