import type { DeliveryLog } from '../../src/delivery/delivery-log';
import type { DeliveryQueue } from '../../src/delivery/delivery-queue';
import type { EndpointHealth } from '../../src/delivery/endpoint-health';
import type { Outbox } from '../../src/delivery/outbox';

/** A deployed sender as the PrintHooks sidebar reads it (docs/editor.md "Sidebar"). */
export interface SenderView {
  id: string;
  name: string;
  queue: DeliveryQueue;
  outbox: Outbox;
  log: DeliveryLog;
  /** The endpoint as configured right now (it may be redeployed on its own). */
  endpoint(): { name: string; url?: string; health?: EndpointHealth } | undefined;
}

/** The deployed senders by node id; each sender adds itself when its queue starts and leaves when it closes. */
export const senderBoard = new Map<string, SenderView>();
