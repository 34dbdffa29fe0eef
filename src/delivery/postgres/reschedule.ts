import type { BossDb } from './pg-boss-loader';
import type { JobData } from './job-data';

/**
 * Puts an active job back in its queue for a later attempt, keeping its id (so a second enqueue of the same
 * webhook id still meets it) and the sender's own schedule (retry-policy.ts) rather than pg-boss's backoff.
 * One UPDATE on pg-boss 10's job table: the only statement PrintHooks writes to pg-boss's tables itself.
 * retry_count and started_on go back to their fresh values: pg-boss counts only expiries (a delivering
 * instance that died) against the queue's retryLimit.
 */
export async function reschedule(db: BossDb, schema: string, queue: string, id: string, delayMs: number, data: JobData): Promise<boolean> {
  const { rows } = await db.executeSql(
    `UPDATE ${schema}.job SET state = 'retry', start_after = now() + ($3::bigint * interval '1 millisecond'),
       started_on = NULL, retry_count = 0, data = $4::jsonb
     WHERE name = $1 AND id = $2::uuid AND state = 'active' RETURNING id`,
    [queue, id, Math.max(0, Math.round(delayMs)), JSON.stringify(data)],
  );
  return rows.length === 1;
}
