import { createHash } from 'crypto';
import type { NodeMessage } from 'node-red';
import type { HealthTransition } from '../../src/delivery/endpoint-health';
import type { EndpointNode } from '../printhooks-endpoint/endpoint-node';

/** The transitions that go out of the sender's third output (docs/delivery.md, "Endpoint health"). */
const SENT: ReadonlySet<HealthTransition> = new Set(['opened', 'closed', 'disabled', 'enabled']);

/**
 * Sends a msg on the health output when the endpoint's breaker opens or closes, or it is disabled or
 * re-enabled: `topic` `endpoint.<transition>`, `payload` the health as plain data with the queue's size.
 * Returns the unsubscribe function.
 */
export function watchHealth(endpoint: EndpointNode, queued: () => number, send: (msg: NodeMessage) => void): () => void {
  return endpoint.health.onChange((transition) => {
    if (!transition || !SENT.has(transition)) return;
    const payload = { endpoint: endpoint.id, name: endpoint.name || undefined, ...endpoint.health.view(), queued: queued() };
    send({ topic: `endpoint.${transition}`, payload } as NodeMessage);
  });
}

/** What each sender saw of its endpoint at its last start in this process (memory only: it hashes the auth). */
const seen = new Map<string, string>();

/**
 * True when the sender's endpoint changed since this sender last started (a fixed url or token redeployed):
 * the queue is then tried again at once instead of waiting hours for the next scheduled retry (issue 15).
 */
export function endpointChanged(senderId: string, endpoint: EndpointNode): boolean {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ config: endpoint.config ?? null, auth: endpoint.target?.authHeaders ?? null, limits: endpoint.limits ?? null }))
    .digest('hex');
  const before = seen.get(senderId);
  seen.set(senderId, fingerprint);
  return before !== undefined && before !== fingerprint;
}
