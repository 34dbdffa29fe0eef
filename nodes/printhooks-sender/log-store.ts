import * as os from 'os';
import * as path from 'path';
import type { Node, NodeAPI } from 'node-red';
import { DeliveryLog } from '../../src/delivery/delivery-log';
import { DeliveryLogStore } from '../../src/delivery/delivery-log-store';
import type { Outbox } from '../../src/delivery/outbox';
import { type BoardQueue, senderBoard } from '../shared/sender-board';
import type { EndpointNode } from '../printhooks-endpoint/endpoint-node';

/** What the sender does with its delivery log (docs/editor.md "Sidebar"). */
export interface SenderLog {
  log: DeliveryLog;
  /** Lists the running queue in the PrintHooks sidebar; no outbox for a sender on the PostgreSQL store. */
  show(queue: BoardQueue, outbox: Outbox | undefined, endpoint: EndpointNode): void;
  /** Leaves the sidebar and writes what is pending; the file stays for the next deploy or start. */
  close(): Promise<void>;
}

/**
 * The sender's persisted delivery log: `<userDir>/printhooks/delivery-log/<sender id>.jsonl`, read back at
 * deploy, so a redeploy or a restart keeps it. settings.js `printhooks.sender.logDir` moves it; a moved
 * outbox (`printhooks.sender.outboxDir`) takes the logs along into its `delivery-log` folder. A sender on
 * the PostgreSQL store hands in the log its queue writes to: each instance keeps the attempts it made.
 */
export function openSenderLog(RED: NodeAPI, node: Node, log = new DeliveryLog()): SenderLog {
  const settings = (RED.settings as unknown as { printhooks?: { sender?: { logDir?: string; outboxDir?: string } } }).printhooks?.sender ?? {};
  const userDir = RED.settings.userDir || path.join(os.homedir(), '.node-red');
  const dir = settings.logDir ?? (settings.outboxDir ? path.join(settings.outboxDir, 'delivery-log') : path.join(userDir, 'printhooks', 'delivery-log'));
  const store = new DeliveryLogStore(path.join(dir, `${node.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`), log, {
    onError: (err) => node.warn(`${err.message}; the log is kept in memory only`),
  });
  store.open();
  return {
    log,
    show(queue, outbox, endpoint) {
      senderBoard.set(node.id, {
        id: node.id,
        // as the editor labels an unnamed sender (the url may carry a token in its query: not here)
        name: node.name || `send to ${endpoint.name || endpoint.id}`,
        queue,
        outbox,
        store: outbox ? 'outbox' : 'postgres',
        log,
        endpoint: () => ({ name: endpoint.name || endpoint.id, url: endpoint.config?.url, health: endpoint.health }),
      });
    },
    close() {
      if (senderBoard.get(node.id)?.log === log) senderBoard.delete(node.id);
      return store.close();
    },
  };
}
