import type { Node, NodeAPI, NodeDef, NodeStatus } from 'node-red';
import type { PrinterEvent } from '../../src/event';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { OctoPrintConnection } from '../../src/sources/octoprint/connection';
import { OctoPrintMonitor } from '../../src/sources/octoprint/monitor';
import { OctoPrintRest } from '../../src/sources/octoprint/rest';
import { createSnapshotProvider } from '../../src/sources/octoprint/snapshot';
import { statusFor } from '../../src/sources/octoprint/status';
import { toError } from '../shared/errors';
import { shareConnection, type StartStop } from '../shared/shared-connection';
import { jobStateStoreFor } from '../shared/job-state-store';
import type { JobStateStore } from '../../src/state/job-state-store';
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

const IDLE: NodeStatus = { fill: 'grey', shape: 'ring', text: 'idle' };

export = function register(RED: NodeAPI): void {
  function OctoPrintServer(this: Node, def: ServerDef): void {
    RED.nodes.createNode(this, def);
    const node = this as OctoPrintServerNode;
    const apiKey = ((node.credentials as { apiKey?: string } | undefined)?.apiKey ?? '').trim();
    let status: NodeStatus = IDLE;
    let monitor: OctoPrintMonitor | undefined;
    let releaseSnapshot: (() => void) | undefined;
    let snapshotRest: OctoPrintRest | undefined;
    let session: StartStop | undefined;
    let jobState: JobStateStore | undefined;
    let users: ReadonlySet<OctoPrintUser> = new Set();

    const showStatus = (next: NodeStatus): void => {
      if (next.fill === status.fill && next.shape === status.shape && next.text === status.text) return;
      status = next;
      for (const user of users) user.showStatus(next);
    };

    /** One connection and its monitor per session: opened by the first user, closed by the last. */
    const sessionFor = (config: ServerConfig): StartStop => ({
      start() {
        const timings = ((RED.settings as unknown as Record<string, unknown>).printhooksOctoprintServerTimings ?? {}) as Timings;
        const connection = new OctoPrintConnection({
          url: config.base.href,
          apiKey,
          allowSelfSigned: config.allowSelfSigned,
          ...timings,
          log: (level, message) => (level === 'warn' ? node.warn(message) : node.log(message)),
          jobState,
        });
        monitor = new OctoPrintMonitor({
          printer: config.printer,
          connection,
          offlineDelayMs: config.offlineDelayMs,
          bedCooledBelow: config.bedCooledBelow,
          messagePrefix: config.messagePrefix,
          emit: (event: PrinterEvent) => {
            for (const user of users) user.deliver(event);
          },
          onPhase: (phase, view) => showStatus(statusFor(phase, view)),
        });
        node.connection = connection;
        connection.start();
      },
      async stop() {
        const connection = node.connection;
        monitor?.dispose();
        monitor = undefined;
        node.connection = undefined;
        status = IDLE;
        if (connection) await connection.stop().catch(() => undefined);
      },
    });

    try {
      const config = parseServerConfig(def);
      node.printer = config.printer;
      jobState = jobStateStoreFor(RED, node, config.printer);
      if (!apiKey) throw new Error('API key is empty: paste a user or application key from OctoPrint');
      snapshotRest = new OctoPrintRest({ base: config.base, apiKey, allowSelfSigned: config.allowSelfSigned, timeoutMs: 5_000 });
      releaseSnapshot = registerSnapshotProvider(config.printer.id, createSnapshotProvider(snapshotRest, config.base, { snapshotUrl: config.snapshotUrl }));
      session = sessionFor(config);
    } catch (error) {
      node.configError = toError(error).message;
      status = { fill: 'red', shape: 'ring', text: node.configError };
      node.error(`printhooks-octoprint-server: ${node.configError}`);
    }

    users = shareConnection<OctoPrintUser>(node, () => session, {
      onRegister: (user) => user.showStatus(status),
      onClose: () => {
        releaseSnapshot?.();
        snapshotRest?.dispose();
      },
    });
  }

  RED.nodes.registerType('printhooks-octoprint-server', OctoPrintServer, {
    credentials: { apiKey: { type: 'password' } },
  });
  registerTestEndpoint(RED);
};
