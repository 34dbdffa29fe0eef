import { isLatestWins, isTerminal } from './event-lanes';

/** What the index needs of a queued msg: its order, type and job (event-lanes.ts jobKeyOf). */
export interface Coalescable {
  readonly seq: number;
  eventType?: string;
  jobKey?: string;
}

/**
 * Latest wins (docs/delivery.md, "Order of decisions"): the newest queued progress / layer msg per job and type.
 * `add` returns the queued msgs a newer one replaces: an older one of the same type and job, or, for a terminal
 * event, every progress and layer msg of its job. Whether a replaced one may be dropped (not in flight) is the
 * caller's decision. Pure and backend-independent.
 */
export class LatestWins<T extends Coalescable> {
  private readonly byType = new Map<string, Map<string, T>>();

  add(entry: T): T[] {
    const job = entry.jobKey;
    if (job === undefined) return [];
    if (isLatestWins(entry.eventType)) {
      let byJob = this.byType.get(entry.eventType!);
      if (!byJob) this.byType.set(entry.eventType!, (byJob = new Map()));
      const older = byJob.get(job);
      if (older && older.seq > entry.seq) return [];
      byJob.set(job, entry);
      return older ? [older] : [];
    }
    if (!isTerminal(entry.eventType)) return [];
    const replaced: T[] = [];
    for (const byJob of this.byType.values()) {
      const older = byJob.get(job);
      if (older && older.seq < entry.seq) {
        replaced.push(older);
        byJob.delete(job);
      }
    }
    return replaced;
  }

  /** Forgets a msg that finished (delivered, dead, dropped). */
  forget(entry: T): void {
    if (entry.jobKey === undefined || entry.eventType === undefined) return;
    const byJob = this.byType.get(entry.eventType);
    if (byJob?.get(entry.jobKey) === entry) byJob.delete(entry.jobKey);
  }
}

/** Whether a msg is older than its type's time-to-live (`ttlMs` from parseTtl); terminal events never are. */
export function isExpired(entry: { eventType?: string; createdAt?: number }, ttlMs: ReadonlyMap<string, number> | undefined, now: number): boolean {
  const ttl = entry.eventType === undefined ? undefined : ttlMs?.get(entry.eventType);
  return ttl !== undefined && !isTerminal(entry.eventType) && entry.createdAt !== undefined && now - entry.createdAt > ttl;
}
