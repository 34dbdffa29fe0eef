import type { Node, NodeAPI, NodeDef, NodeStatus } from 'node-red';
import type { PrinterEvent } from '../../src/event';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { OctoPrintConnection, type ConnectionStatus } from '../../src/sources/octoprint/connection';
import { OctoPrintRest } from '../../src/sources/octoprint/rest';
import { createSnapshotProvider } from '../../src/sources/octoprint/snapshot';
import { toError } from '../shared/errors';
import { parseServerConfig, type RawServerConfig, type ServerConfig } from './config';
import type { OctoPrintServerNode, OctoPrintUser } from './server-node';
import { registerTestEndpoint } from './test-endpoint';

type ServerDef = NodeDef & RawServerConfig;

/** Test and tuning knobs from settings.js: `printhooksOctoprintServerTimings: { backoffBaseMs, backoffMaxMs, pingIntervalMs }`. */
interface Timings {
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  pingIntervalMs?: number;
  requestTimeoutMs?: number;
}

export = function register(RED: NodeAPI): void {
  function OctoPrintServer(this: Node, def: ServerDef): void {
    RED.nodes.createNode(this, def);
    const node = this as OctoPrintServerNode;
    const apiKey = ((node.credentials as { apiKey?: string } | undefined)?.apiKey ?? '').trim();
    const users = new Map<string, OctoPrintUser>();
    let config: ServerConfig | undefined;
    let status: NodeStatus = { fill: 'grey', shape: 'ring', text: 'idle' };
    let stopping: Promise<void> | undefined;
    let openPending = false;
    let releaseSnapshot: (() => void) | undefined;
    let snapshotRest: OctoPrintRest | undefined;

    try {
      config = parseServerConfig(def);
      node.printer = config.printer;
      if (!apiKey) throw new Error('API key is empty: paste a user or application key from OctoPrint');
      snapshotRest = new OctoPrintRest({ base: config.base, apiKey, allowSelfSigned: config.allowSelfSigned, timeoutMs: 5_000 });
      releaseSnapshot = registerSnapshotProvider(config.printer.id, createSnapshotProvider(snapshotRest, config.base, { snapshotUrl: config.snapshotUrl }));
    } catch (error) {
      node.configProblem = toError(error).message;
      status = { fill: 'red', shape: 'ring', text: node.configProblem };
      node.error(`printhooks-octoprint-server: ${node.configProblem}`);
    }

    function broadcastStatus(next: NodeStatus): void {
      status = next;
      for (const user of users.values()) user.showStatus(next);
    }

    function open(cfg: ServerConfig): OctoPrintConnection {
      const timings = ((RED.settings as unknown as Record<string, unknown>).printhooksOctoprintServerTimings ?? {}) as Timings;
      const connection = new OctoPrintConnection({
        url: cfg.base.href,
        apiKey,
        printer: cfg.printer,
        allowSelfSigned: cfg.allowSelfSigned,
        offlineDelayMs: cfg.offlineDelayMs,
        bedCooledBelow: cfg.bedCooledBelow,
        ...timings,
        log: (level, message) => (level === 'warn' ? node.warn(message) : node.log(message)),
      });
      connection.on('event', (event: PrinterEvent) => {
        for (const user of users.values()) user.deliver(event);
      });
      connection.on('status', (s: ConnectionStatus) => broadcastStatus(s));
      connection.start();
      return connection;
    }

    async function closeConnection(): Promise<void> {
      const connection = node.connection;
      node.connection = undefined;
      if (connection) await connection.stop();
    }

    node.register = (user: OctoPrintUser): void => {
      users.set(user.id, user);
      if (config && !node.configProblem && !node.connection && !openPending) {
        const cfg = config;
        if (!stopping) {
          node.connection = open(cfg);
        } else {
          // A redeploy is still closing the previous socket: open once that is done.
          openPending = true;
          void stopping.then(() => {
            openPending = false;
            if (users.size > 0 && !node.connection) node.connection = open(cfg);
          });
        }
      }
      user.showStatus(status);
    };

    node.deregister = (user: OctoPrintUser, done: () => void): void => {
      users.delete(user.id);
      if (users.size > 0) {
        done();
        return;
      }
      stopping = closeConnection()
        .catch(() => undefined)
        .finally(() => {
          stopping = undefined;
        });
      void stopping.then(() => done());
      status = { fill: 'grey', shape: 'ring', text: 'idle' };
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      users.clear();
      releaseSnapshot?.();
      snapshotRest?.dispose();
      closeConnection()
        .catch(() => undefined)
        .then(() => done());
    });
  }

  RED.nodes.registerType('printhooks-octoprint-server', OctoPrintServer, {
    credentials: { apiKey: { type: 'password' } },
  });
  registerTestEndpoint(RED);
};
