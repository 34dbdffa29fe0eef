import { internEventType, jobKeyOf } from './event-lanes';
import type { OutboxEntry } from './outbox-entry';
import type { StoredRequest } from './outbox-record';

/** The scheduling facts an entry keeps in memory, from its record's metadata (at enqueue and at replay). */
export function schedulingFacts(meta: Pick<StoredRequest, 'eventType' | 'event' | 'createdAt'>): Pick<OutboxEntry, 'eventType' | 'jobKey' | 'createdAt'> {
  const eventType = internEventType(meta.eventType);
  const facts: Pick<OutboxEntry, 'eventType' | 'jobKey' | 'createdAt'> = {};
  if (eventType !== undefined) facts.eventType = eventType;
  const jobKey = jobKeyOf(eventType, typeof meta.event === 'string' ? meta.event : undefined);
  if (jobKey !== undefined) facts.jobKey = jobKey;
  if (typeof meta.createdAt === 'number' && Number.isFinite(meta.createdAt)) facts.createdAt = meta.createdAt;
  return facts;
}
