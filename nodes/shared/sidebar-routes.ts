import type { NodeAPI } from 'node-red';
import type { Request } from 'express';
import { printerNameOf, type LogQuery } from '../../src/delivery/delivery-log';
import type { Outbox } from '../../src/delivery/outbox';
import type { OutboxEntry } from '../../src/delivery/outbox-entry';
import { answerAdminErrorsAsJson, jsonRoute } from './json-route';
import { printerBoard } from './printer-board';
import { senderBoard, type SenderView } from './sender-board';

/** Dead letters listed per sender in the sidebar (each is read back from the outbox). */
const DEAD_LISTED = 20;

/** The endpoint's address without user info, query or fragment: what the sidebar may show. */
function shownUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

function deadLetters(view: SenderView): object[] {
  const out: object[] = [];
  // the shared PostgreSQL queue only counts its dead letters; the sender's dialog replays them
  const outbox = view.outbox;
  if (!outbox) return out;
  for (const entry of outbox.entries()) {
    if (!entry.dead) continue;
    out.push(deadLetter(outbox, entry));
    if (out.length >= DEAD_LISTED) break;
  }
  return out;
}

function deadLetter(outbox: Outbox, entry: OutboxEntry): object {
  try {
    const req = outbox.read(entry);
    return { webhookId: req.webhookId, eventType: req.eventType, printer: printerNameOf(req.event), attempts: entry.attempts, reason: entry.reason };
  } catch {
    return { attempts: entry.attempts, reason: entry.reason ?? 'its record could not be read back' };
  }
}

function senderSummary(view: SenderView): object {
  const endpoint = view.endpoint();
  const health = endpoint?.health;
  // the breaker's state ("closed", "open", "half-open", "disabled"), as the queue sees its endpoint
  const breaker = view.queue.health;
  return {
    id: view.id,
    name: view.name,
    store: view.store,
    queued: view.queue.queued,
    dead: view.queue.dead,
    inFlight: view.queue.inFlight,
    // breaker, 429 pause and rate limit included
    nextAttemptAt: view.queue.nextAttemptAt,
    canRetryNow: typeof view.queue.retryNow === 'function',
    endpoint: endpoint
      ? {
          name: endpoint.name,
          url: shownUrl(endpoint.url),
          health: health
            ? { delivered: health.delivered, failed: health.failed, consecutiveFailures: health.consecutiveFailures, disabled: health.disabled, disabledReason: health.disabledReason }
            : undefined,
          breaker: breaker ? { state: breaker.state, nextProbeAt: breaker.nextProbeAt, reason: breaker.reason } : undefined,
        }
      : undefined,
    deadLetters: deadLetters(view),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined;
}

function logQuery(req: Request): LogQuery {
  const q = req.query as Record<string, unknown>;
  const limit = Number(q.limit);
  return {
    text: text(q.q),
    printer: text(q.printer),
    eventType: text(q.event),
    status: text(q.status),
    webhookId: text(q.webhook),
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, 1000) : 200,
  };
}

/**
 * The PrintHooks sidebar's admin routes (docs/editor.md "Sidebar"), all JSON, all relative to the
 * admin root so they work behind an ingress prefix:
 * GET printhooks/sidebar, GET printhooks/log?sender=&q=&printer=&event=&status=&webhook=&limit=.
 * Its buttons (replay dead letters, retry now) use the sender's own routes (printhooks-sender/<id>/…).
 * Nothing secret is in any answer: urls lose user info and query, response bodies were scrubbed
 * before they reached the log.
 */
export function registerSidebarRoutes(RED: NodeAPI): void {
  RED.httpAdmin.get('/printhooks/sidebar', RED.auth.needsPermission('printhooks.read'), jsonRoute('sidebar', (_req, res) => {
    const senders = [...senderBoard.values()].sort((a, b) => a.name.localeCompare(b.name)).map(senderSummary);
    res.json({ printers: printerBoard.list(), senders });
  }));

  RED.httpAdmin.get('/printhooks/log', RED.auth.needsPermission('printhooks.read'), jsonRoute('delivery log search', (req, res) => {
    const query = logQuery(req);
    const wanted = text((req.query as Record<string, unknown>).sender);
    const views = wanted ? [senderBoard.get(wanted)].filter((v): v is SenderView => v !== undefined) : [...senderBoard.values()];
    const attempts = views
      .flatMap((view) => view.log.search(query).map((entry) => ({ ...entry, sender: view.id, senderName: view.name })))
      .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0))
      .slice(0, query.limit);
    res.json({ attempts });
  }));

  answerAdminErrorsAsJson(RED, 'printhooks');
}
