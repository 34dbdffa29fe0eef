import type { Node, NodeAPI } from 'node-red';
import { databaseJobStateStore } from './printer-ownership';
import { createJobStateStore, jobStateDir, type JobStateStore } from '../../src/state/job-state-store';

/**
 * The job-state store of a printer config node (src/state/job-state-store.ts): one file per config node
 * under `<userDir>/printhooks/state/`, flushed when the node closes and deleted when it is removed from
 * the flows. Undefined without a user dir (then a restart starts from a fresh baseline, as before).
 */
export function jobStateStoreFor(RED: NodeAPI, node: Node, printer: { id: string; kind: string }): JobStateStore | undefined {
  // a printer with a PostgreSQL store keeps its state in the database (docs/scale.md)
  const shared = databaseJobStateStore(RED, node, printer);
  if (shared) return shared;
  const userDir = (RED.settings as unknown as { userDir?: unknown }).userDir;
  if (typeof userDir !== 'string' || userDir === '') return undefined;
  const throttleMs = Number((RED.settings as unknown as Record<string, unknown>).printhooksJobStateThrottleMs);
  const store = createJobStateStore({
    dir: jobStateDir(userDir),
    key: node.id,
    printer,
    warn: (message) => node.warn(message),
    throttleMs: Number.isFinite(throttleMs) && throttleMs >= 0 ? throttleMs : undefined,
  });
  node.on('close', (removed: boolean, done: () => void) => {
    store.close(removed === true).then(done, done);
  });
  return store;
}
