import type { NodeAPI, Node, NodeDef } from 'node-red';
import { MoonrakerMonitor } from '../../src/sources/moonraker/monitor';
import { statusFor } from '../../src/sources/moonraker/status';
import { reportConfigError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import type { MoonrakerServerNode } from '../printhooks-moonraker-server/server-node';

interface SourceConfig extends NodeDef {
  server: string;
  includeRaw?: boolean;
  version?: number;
  /** Test-only knobs (not in the editor), in ms; offlineDelayMs overrides the server's offlineDelay. */
  offlineDelayMs?: number;
  historyWaitMs?: number;
}

function positive(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && value !== '' && value !== undefined ? n : undefined;
}

export = function (RED: NodeAPI) {
  function MoonrakerSource(this: Node, raw: SourceConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<SourceConfig>(raw, MIGRATIONS);
    const server = RED.nodes.getNode(config.server) as MoonrakerServerNode | null;
    if (!server || !server.connection) {
      reportConfigError(this, server?.configError ?? 'printhooks-moonraker: choose a Moonraker server (config node)');
      this.on('close', (_removed: boolean, done: () => void) => done());
      return;
    }
    const connection = server.connection;
    const monitor = new MoonrakerMonitor({
      printer: server.printer,
      connection,
      includeRaw: config.includeRaw === true,
      offlineDelayMs: positive(config.offlineDelayMs) ?? server.offlineDelayMs,
      bedCooledBelow: server.bedCooledBelow,
      historyWaitMs: positive(config.historyWaitMs),
      emit: (event) => this.send({ topic: event.type, payload: event }),
      onPhase: (phase, job) => this.status(statusFor(phase, job)),
      warn: (message) => this.warn(message),
    });
    server.register(this);

    this.on('close', (_removed: boolean, done: () => void) => {
      monitor.dispose();
      server.deregister(this, done);
    });
  }

  RED.nodes.registerType('printhooks-moonraker', MoonrakerSource);
};
