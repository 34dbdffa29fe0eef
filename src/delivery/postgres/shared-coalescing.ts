import { isLatestWins, isTerminal } from '../event-lanes';
import type { StoredRequest } from '../outbox-record';
import { jobDataOf } from './job-data';
import type { BossDb } from './pg-boss-loader';

/** What a superseded job was, for the delivery log and the counters. */
export interface SupersededJob {
  webhookId: string;
  eventType?: string;
  ageMs: number;
}

/**
 * Latest wins on the shared queue (docs/scale.md, "Coalescing and TTL across instances"), the rule of
 * latest-wins.ts: a queued progress / layer job of the same printer job and type that was accepted before a
 * newer one is completed unsent (state completed, output {superseded: true}); a terminal event does that to
 * every queued progress and layer job of its job. Only queued jobs (created, retry) are replaced, never one
 * an instance is sending (active). One UPDATE on pg-boss 10's job table per newest msg of a batch.
 */
export async function supersedeOlder(db: BossDb, schema: string, queue: string, batch: readonly StoredRequest[]): Promise<SupersededJob[]> {
  // the newest msg per (job, type) of the batch replaces the older ones, wherever they were enqueued
  const newest = new Map<string, { req: StoredRequest; jobKey: string }>();
  for (const req of batch) {
    const jobKey = jobDataOf(req).jobKey;
    if (!jobKey || !(isLatestWins(req.eventType) || isTerminal(req.eventType))) continue;
    const k = `${req.eventType}\u0000${jobKey}`;
    const seen = newest.get(k);
    if (!seen || seen.req.createdAt <= req.createdAt) newest.set(k, { req, jobKey });
  }
  const dropped: SupersededJob[] = [];
  for (const { req, jobKey } of newest.values()) {
    const types = isTerminal(req.eventType) ? ['print.progress', 'print.layer'] : [req.eventType!];
    const { rows } = await db.executeSql(
      `UPDATE ${schema}.job SET state = 'completed', completed_on = now(), output = '{"superseded": true}'::jsonb
       WHERE name = $1 AND state IN ('created', 'retry') AND data->>'jobKey' = $2 AND data->'request'->>'eventType' = ANY($3::text[])
         AND (data->'request'->>'createdAt')::float8 < $4::float8 AND data->'request'->>'webhookId' <> $5
       RETURNING data->'request'->>'webhookId' AS webhook_id, data->'request'->>'eventType' AS event_type, (data->'request'->>'createdAt')::float8 AS created_at`,
      [queue, jobKey, types, req.createdAt, req.webhookId],
    );
    for (const row of rows) dropped.push({ webhookId: String(row.webhook_id), eventType: row.event_type ? String(row.event_type) : undefined, ageMs: Math.max(0, req.createdAt - Number(row.created_at)) });
  }
  return dropped;
}
