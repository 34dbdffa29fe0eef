import type { NodeMessageInFlow } from 'node-red';
import { headerStripping } from '../../src/delivery/header-stripping';
import type { StoredRequest } from '../../src/delivery/outbox-record';
import { requestFromMsg, type MsgLike } from '../../src/delivery/request-from-msg';
import { getSigner } from '../../src/sign/signer-registry';
import type { EndpointNode } from '../printhooks-endpoint/endpoint-node';

/** What the intake needs of the sender it serves, whichever store holds its queue. */
export interface IntakeTarget {
  endpointNode: EndpointNode;
  queue: { retryNow(): void };
  /** Where accepted msgs are kept, for the warning about dropped header secrets: `outbox`, `database`. */
  storeName: string;
  /** Warns once per deployed sender (node.warn). */
  warnOnce: (text: string) => void;
}

/**
 * The first step of every msg into a sender (docs/delivery.md, "Order of decisions"): a control msg
 * (`msg.enable`, `msg.retryNow`) acts on the endpoint and queue and returns undefined; any other msg becomes
 * the request to store, its header secrets stripped and the destination policy checked. Throws with a
 * message naming the field when the msg cannot be sent.
 */
export function intakeMsg(msg: NodeMessageInFlow, target: IntakeTarget): StoredRequest | undefined {
  const { endpointNode, queue } = target;
  const control = msg as { enable?: unknown; retryNow?: unknown };
  if (control.enable === true || control.retryNow === true) {
    if (control.enable === true) endpointNode.health.enable();
    queue.retryNow();
    return undefined;
  }
  const config = endpointNode.config!;
  const input = msg as unknown as MsgLike;
  const signerId = (input.webhook as { signer?: unknown } | undefined)?.signer;
  const signer = typeof signerId === 'string' ? getSigner(signerId) : undefined;
  const { strip, droppedSecrets } = headerStripping(input.headers, signerId, signer);
  if (droppedSecrets.length) {
    target.warnOnce(`msg.headers.${droppedSecrets[0]} is not stored in the ${target.storeName} nor sent: put the token or password in the endpoint's credentials`);
  }
  const { access, url } = config;
  const req = requestFromMsg(input, { allowOverride: config.allowOverride, stripHeaders: strip, destinations: access.destinations, httpsOnly: access.httpsOnly, endpointUrl: url });
  if (!req.url && !config.url) throw new Error('msg.url is missing and the endpoint has no url');
  return req;
}
