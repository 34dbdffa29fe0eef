import type { Delivery } from './delivery-queue';
import { RESPONSE_BODY_LIMIT } from './http-transport';
import type { StoredRequest } from './outbox-record';
import type { AttemptResult } from './outcome';
import { msgFromRequest } from './request-from-msg';

/**
 * The msg a sender puts out on its delivered or dead-letter output, whichever store held the request:
 * the request as a msg again, `msg.webhook` and `msg.delivery` (status or error, attempts, duration,
 * the response body as text up to RESPONSE_BODY_LIMIT). docs/delivery.md, "Outputs".
 */
export function deliveryOutput(req: StoredRequest, attempts: number, result: AttemptResult | undefined, reason?: string): Record<string, unknown> {
  const msg = msgFromRequest(req);
  msg.webhook = req.signer ? { id: req.webhookId, signer: req.signer } : { id: req.webhookId };
  const delivery: Delivery = { webhook_id: req.webhookId, attempts, duration_ms: 0 };
  if (result) {
    delivery.duration_ms = Math.round(result.durationMs);
    if (result.kind === 'response') {
      delivery.status = result.status;
      delivery.response = result.body.toString('utf8', 0, Math.min(result.body.length, RESPONSE_BODY_LIMIT));
    } else {
      delivery.error = result.error;
    }
  }
  if (reason) delivery.reason = reason;
  msg.delivery = delivery;
  return msg;
}
