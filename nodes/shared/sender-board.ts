import type { DeliveryLog } from '../../src/delivery/delivery-log';
import type { QueueHealth } from '../../src/delivery/delivery-queue';
import type { EndpointHealth } from '../../src/delivery/endpoint-health';
import type { Outbox } from '../../src/delivery/outbox';

/**
 * What the sidebar reads of a sender's queue: the embedded DeliveryQueue or the shared PostgreSQL queue
 * (docs/scale.md), which may not know every member (health, next attempt): those are then left out.
 */
export interface BoardQueue {
  readonly queued: number;
  readonly dead: number;
  readonly inFlight: number;
  readonly health?: QueueHealth;
  readonly nextAttemptAt?: string;
  retryNow?(): number;
}

/** A deployed sender as the PrintHooks sidebar reads it (docs/editor.md "Sidebar"). */
export interface SenderView {
  id: string;
  name: string;
  queue: BoardQueue;
  /** The embedded outbox the dead letters are read back from; absent for a PostgreSQL-backed sender. */
  outbox?: Outbox;
  /** Where the sender keeps what it accepted. */
  store: 'outbox' | 'postgres';
  log: DeliveryLog;
  /** The endpoint as configured right now (it may be redeployed on its own). */
  endpoint(): { name: string; url?: string; health?: EndpointHealth } | undefined;
}

/** The deployed senders by node id; each sender adds itself when its queue starts and leaves when it closes. */
export const senderBoard = new Map<string, SenderView>();
