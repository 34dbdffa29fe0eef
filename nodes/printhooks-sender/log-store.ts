import * as os from 'os';
import * as path from 'path';
import type { Node, NodeAPI } from 'node-red';
import { DeliveryLog } from '../../src/delivery/delivery-log';
import { DeliveryLogStore } from '../../src/delivery/delivery-log-store';
import type { DeliveryQueue } from '../../src/delivery/delivery-queue';
import type { Outbox } from '../../src/delivery/outbox';
import { senderBoard } from '../shared/sender-board';
import type { EndpointNode } from '../printhooks-endpoint/endpoint-node';

/** What the sender does with its delivery log (docs/editor.md "Sidebar"). */
export interface SenderLog {
  log: DeliveryLog;
  /** Lists the running queue in the PrintHooks sidebar. */
  show(queue: DeliveryQueue, outbox: Outbox, endpoint: EndpointNode): void;
  /** Leaves the sidebar and writes what is pending; the file stays for the next deploy or start. */
  close(): Promise<void>;
}

/**
 * The sender's persisted delivery log: `<userDir>/printhooks/delivery-log/<sender id>.jsonl`, read back at
 * deploy, so a redeploy or a restart keeps it. settings.js `printhooks.sender.logDir` moves it; a moved
 * outbox (`printhooks.sender.outboxDir`) takes the logs along into its `delivery-log` folder.
 */
export function openSenderLog(RED: NodeAPI, node: Node): SenderLog {
  const settings = (RED.settings as unknown as { printhooks?: { sender?: { logDir?: string; outboxDir?: string } } }).printhooks?.sender ?? {};
  const userDir = RED.settings.userDir || path.join(os.homedir(), '.node-red');
  const dir = settings.logDir ?? (settings.outboxDir ? path.join(settings.outboxDir, 'delivery-log') : path.join(userDir, 'printhooks', 'delivery-log'));
  const log = new DeliveryLog();
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
