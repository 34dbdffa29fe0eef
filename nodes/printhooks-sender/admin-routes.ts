import type { NodeAPI } from 'node-red';
import type { Request, Response } from 'express';
import { buildEvent } from '../../src/event';
import type { DeliveryQueue } from '../../src/delivery/delivery-queue';
import { requestFromMsg } from '../../src/delivery/request-from-msg';
import { toError } from '../shared/errors';
import { answerAdminErrorsAsJson, jsonRoute } from '../shared/json-route';

/**
 * The editor's admin endpoints of the sender (docs/delivery.md, "Editor / admin endpoints"): the
 * attempt log, "retry dead letters" and "send test". `running` holds the deployed senders by node id.
 * Every answer is JSON, errors included (jsonRoute).
 */
export function registerSenderAdminRoutes(RED: NodeAPI, running: ReadonlyMap<string, DeliveryQueue>): void {
  function queueOf(req: Request, res: Response): DeliveryQueue | undefined {
    const queue = running.get(String(req.params.id));
    if (!queue) res.status(404).json({ error: 'sender not deployed' });
    return queue;
  }

  RED.httpAdmin.get('/printhooks-sender/:id/log', RED.auth.needsPermission('printhooks-sender.read'), jsonRoute('delivery log', (req, res) => {
    const queue = queueOf(req, res);
    if (queue) {
      res.json({
        queued: queue.queued, dead: queue.dead, inFlight: queue.inFlight, superseded: queue.superseded, expired: queue.expired,
        health: queue.health, nextAttemptAt: queue.nextAttemptAt, attempts: queue.log.list(),
      });
    }
  }));

  RED.httpAdmin.post('/printhooks-sender/:id/retry-dead', RED.auth.needsPermission('printhooks-sender.write'), jsonRoute('retry dead letters', (req, res) => {
    const queue = queueOf(req, res);
    if (queue) res.json({ retried: queue.retryDead() });
  }));

  // "retry now": every queued msg is due at once, an open breaker probes at once (docs/delivery.md, "Retry now")
  RED.httpAdmin.post('/printhooks-sender/:id/retry-now', RED.auth.needsPermission('printhooks-sender.write'), jsonRoute('retry now', (req, res) => {
    const queue = queueOf(req, res);
    if (!queue) return;
    // a queue of another store (PostgreSQL) may not offer it
    if (typeof queue.retryNow !== 'function') {
      res.status(501).json({ error: 'retry now is not available for this sender\'s store' });
      return;
    }
    res.json({ queued: queue.retryNow(), nextAttemptAt: queue.nextAttemptAt });
  }));

  RED.httpAdmin.post('/printhooks-sender/:id/test', RED.auth.needsPermission('printhooks-sender.write'), jsonRoute('send test', async (req, res) => {
    const queue = queueOf(req, res);
    if (!queue) return;
    const event = buildEvent({ type: 'test', printer: { id: 'printhooks-test', name: 'PrintHooks test', kind: 'test' }, discriminator: Date.now() });
    let stored;
    try {
      stored = requestFromMsg({ payload: event, event, topic: 'test' }, { allowOverride: false });
    } catch (e) {
      res.status(400).json({ error: toError(e).message });
      return;
    }
    await queue.enqueue(stored);
    res.json({ queued: true, id: event.id });
  }));

  answerAdminErrorsAsJson(RED, 'printhooks-sender');
}
