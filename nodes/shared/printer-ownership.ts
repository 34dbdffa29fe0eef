import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import type { Node, NodeAPI, NodeStatus } from 'node-red';
import { PrinterLeases } from '../../src/delivery/postgres/printer-lease';
import { DatabaseJobStateStore } from '../../src/state/database-store';
import type { JobStateStore } from '../../src/state/job-state-store';
import type { PostgresStore } from '../../src/delivery/postgres/postgres-store';

/**
 * Printers shared by several Node-RED instances (docs/scale.md, "Printers"): a printer config node whose
 * `store` names a printhooks-postgres node is connected by one instance at a time, the holder of its lease
 * in the database. Its source nodes start their monitor only while this instance holds it, after the job
 * state the last holder left is loaded; when the holder dies, another instance takes over once the lease
 * has expired and carries on from that state. Without a store nothing changes.
 */

/** What a printhooks-postgres config node offers (nodes/printhooks-postgres/postgres-node.ts). */
interface PostgresNode extends Node {
  store?: PostgresStore;
  configError?: string;
  runtime: { leaseSeconds?: number };
}

/** This process, as a lease holder. */
const OWNER = `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

export interface OwnershipFollower {
  /** This instance holds the printer now: start the source. */
  acquired(): void;
  /** It does not any more (or the node closes): stop the source. */
  lost(): void;
  /** Waiting for the lease: what to show meanwhile. */
  standby(text: string): void;
}

/** The `store` field of a deployed config node (read from the deployed flow, so no config node has to pass it). */
export function storeIdOf(RED: NodeAPI, configNodeId: string): string | undefined {
  let store: string | undefined;
  RED.nodes.eachNode((n: { id: string; store?: unknown }) => {
    if (n.id === configNodeId && typeof n.store === 'string' && n.store !== '') store = n.store;
  });
  return store;
}

const stateStores = new Map<string, DatabaseJobStateStore>();

/** The job-state store of a printer config node with a PostgreSQL store (job-state-store.ts asks here first). */
export function databaseJobStateStore(RED: NodeAPI, node: Node, printer: { id: string; kind: string }): JobStateStore | undefined {
  if (!storeIdOf(RED, node.id)) return undefined;
  const store = new DatabaseJobStateStore({ key: node.id, printer, warn: (m) => node.warn(m) });
  stateStores.set(node.id, store);
  node.on('close', (removed: boolean, done: () => void) => {
    if (stateStores.get(node.id) === store) stateStores.delete(node.id);
    store.close(removed === true).then(done, done);
  });
  return store;
}

interface Ownership {
  followers: Set<OwnershipFollower>;
  held: boolean;
  stop(): Promise<void>;
}

const ownerships = new Map<string, Ownership>();

function startOwnership(configNodeId: string, pgNode: PostgresNode, warn: (m: string) => void): Ownership {
  const leaseMs = Math.max(1, pgNode.runtime.leaseSeconds ?? 30) * 1000;
  const followers = new Set<OwnershipFollower>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let renewedAt = 0;
  let leases: PrinterLeases | undefined;
  const own: Ownership = {
    followers,
    held: false,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (own.held) {
        own.held = false;
        const state = stateStores.get(configNodeId);
        await state?.flush();
        state?.detach();
        // a clean stop hands the printer over at once instead of after the lease
        await leases?.release(configNodeId, OWNER).catch(() => undefined);
      }
    },
  };
  const lose = (why: string): void => {
    if (!own.held) return;
    own.held = false;
    stateStores.get(configNodeId)?.detach();
    warn(`printer handed over: ${why}`);
    for (const f of [...followers]) f.lost();
  };
  const turn = async (): Promise<void> => {
    const store = pgNode.store;
    if (!store) return;
    const boss = store.current();
    if (!boss) {
      // the database is gone: a holder stops before its lease can have been taken by another instance
      if (own.held && Date.now() - renewedAt > leaseMs * 0.8) lose(store.problem ?? 'the database cannot be reached');
      if (!own.held) for (const f of followers) f.standby(store.problem ?? 'waiting for the database');
      return;
    }
    leases ??= new PrinterLeases(boss.getDb(), store.schema);
    try {
      const holds = await leases.hold(configNodeId, OWNER, leaseMs);
      if (stopped) return;
      if (holds) {
        renewedAt = Date.now();
        if (!own.held) {
          await stateStores.get(configNodeId)?.preload(leases, OWNER);
          if (stopped) return;
          own.held = true;
          for (const f of [...followers]) f.acquired();
        }
      } else {
        lose('another instance holds its lease');
        for (const f of followers) f.standby('standby: another instance has this printer');
      }
    } catch (e) {
      store.report(e as Error);
      if (own.held && Date.now() - renewedAt > leaseMs * 0.8) lose(`lease not renewed (${(e as Error).message})`);
    }
  };
  const loop = (): void => {
    if (stopped) return;
    turn()
      .catch(() => undefined)
      .finally(() => {
        if (stopped) return;
        // the holder renews at a third of the lease; the others look as often for a lease that ran out
        timer = setTimeout(loop, leaseMs / 3);
        timer.unref?.();
      });
  };
  loop();
  return own;
}

/**
 * Follows the ownership of printer config node `printer` for one source node. Undefined when the printer
 * has no PostgreSQL store: the source then starts at once, as always.
 */
export function followPrinterOwnership(RED: NodeAPI, printer: Node, follower: OwnershipFollower): { dispose(): Promise<void> } | undefined {
  const storeId = storeIdOf(RED, printer.id);
  if (!storeId) return undefined;
  const pgNode = RED.nodes.getNode(storeId) as PostgresNode | null;
  if (!pgNode?.store) {
    follower.standby(pgNode?.configError ?? 'the PostgreSQL store is not deployed');
    return { dispose: async () => undefined };
  }
  let own = ownerships.get(printer.id);
  if (!own) {
    own = startOwnership(printer.id, pgNode, (m) => printer.warn(m));
    ownerships.set(printer.id, own);
  }
  const current = own;
  current.followers.add(follower);
  if (current.held) follower.acquired();
  else follower.standby('standby: waiting for the printer');
  return {
    async dispose() {
      current.followers.delete(follower);
      if (current.followers.size > 0) return;
      if (ownerships.get(printer.id) === current) ownerships.delete(printer.id);
      await current.stop();
    },
  };
}

/** The part of a printer config node ownership needs (shared-connection.ts's register/deregister). */
export interface SharedPrinter extends Node {
  register(user: Node): void;
  deregister(user: Node, done: () => void): void;
}

/**
 * Runs a source node's monitor on `printer` while this instance may: at once without a PostgreSQL store,
 * else while it holds the printer's lease (a grey "standby" status meanwhile). `start` builds the monitor;
 * the node is registered with the printer (which opens the shared connection) right after it.
 */
export function whileOwned(RED: NodeAPI, printer: SharedPrinter, user: Node, show: (status: NodeStatus) => void, start: () => { dispose(): void }): { close(done: () => void): void } {
  let monitor: { dispose(): void } | undefined;
  const begin = (): void => {
    if (monitor) return;
    monitor = start();
    printer.register(user);
  };
  const end = (done: () => void): void => {
    const running = monitor;
    monitor = undefined;
    if (!running) return done();
    running.dispose();
    printer.deregister(user, done);
  };
  const ownership = followPrinterOwnership(RED, printer, {
    acquired: begin,
    lost: () => end(() => undefined),
    standby: (text) => show({ fill: 'grey', shape: 'ring', text }),
  });
  if (!ownership) begin();
  return {
    close(done) {
      // the connection stops and the state is written before the lease is given up
      end(() => {
        if (!ownership) return done();
        ownership.dispose().then(done, done);
      });
    },
  };
}
