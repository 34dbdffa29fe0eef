import { createHash } from 'node:crypto';
import type { NodeAPI, NodeDef } from 'node-red';
import { parseBedCooled } from '../../src/bed-cooled';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { parseCrealityAddress } from '../../src/sources/creality/address';
import { CrealityConnection } from '../../src/sources/creality/connection';
import { probeCreality } from '../../src/sources/creality/probe';
import { fetchCrealitySnapshot } from '../../src/sources/creality/snapshot';
import { reportConfigError } from '../shared/errors';
import { jobStateStoreFor } from '../shared/job-state-store';
import { migrateConfig } from '../shared/migrate';
import { registerProbeRoute } from '../shared/probe-route';
import { shareConnection } from '../shared/shared-connection';
import { MIGRATIONS } from './migrations';
import type { CrealityPrinterNode } from './printer-node';
import { positiveSetting } from '../shared/number-setting';

interface PrinterConfig extends NodeDef {
  host: string;
  port?: number | string;
  /** Seconds the printer must stay unreachable, silence included, before printer.offline (default 12). */
  offlineDelay?: number | string;
  /** °C below which printer.bed_cooled fires after a job (default 35, 0 = off). */
  bedCooled?: number | string;
  version?: number;
  /** Test-only knobs (not in the editor), in ms / a port number. */
  reconnectMs?: number;
  probeAfterMs?: number;
  deadAfterMs?: number;
  tickMs?: number;
  cameraPort?: number;
}


/** Stable across redeploys and re-imports of the config node: derived from where the printer is. */
function printerIdFor(host: string, port: number): string {
  return `creality-${createHash('sha256').update(`${host.toLowerCase()}:${port}`).digest('hex').slice(0, 12)}`;
}

function offlineDelayMs(value: unknown): number {
  const seconds = value === undefined || value === '' ? 12 : Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`offlineDelay "${String(value)}" must be a number of seconds, 0 or more`);
  return Math.round(seconds * 1000);
}

export = function (RED: NodeAPI) {
  function CrealityPrinter(this: CrealityPrinterNode, raw: PrinterConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<PrinterConfig>(raw, MIGRATIONS);
    let releaseSnapshot = () => {};
    try {
      const { host, port } = parseCrealityAddress(config.host, config.port);
      this.offlineDelayMs = offlineDelayMs(config.offlineDelay);
      this.bedCooledBelow = parseBedCooled(config.bedCooled);
      this.printer = { id: printerIdFor(host, port), name: config.name || host, kind: 'creality' };
      const reconnectMs = positiveSetting(config.reconnectMs);
      this.connection = new CrealityConnection({
        host,
        port,
        backoff: reconnectMs ? { baseMs: reconnectMs, maxMs: reconnectMs * 4 } : undefined,
        probeAfterMs: positiveSetting(config.probeAfterMs),
        deadAfterMs: positiveSetting(config.deadAfterMs),
        tickMs: positiveSetting(config.tickMs),
        warn: (message) => this.warn(message),
        jobState: jobStateStoreFor(RED, this, this.printer),
      });
      // One provider per printer, owned here so it lives exactly as long as the printer's config.
      releaseSnapshot = registerSnapshotProvider(this.printer.id, () => fetchCrealitySnapshot({ host, port: positiveSetting(config.cameraPort) }));
    } catch (err) {
      this.configError = `printhooks-creality-printer: ${(err as Error).message}`;
      this.printer = { id: `creality-${this.id}`, name: config.name || 'Creality printer', kind: 'creality' };
      reportConfigError(this, this.configError);
    }

    shareConnection(this, () => this.connection, { onClose: () => releaseSnapshot() });
  }

  RED.nodes.registerType('printhooks-creality-printer', CrealityPrinter);

  // "Test connection" in the editor: model, firmware and state from the printer, or exactly what is wrong.
  registerProbeRoute(RED, 'printhooks-creality-printer', (body) => probeCreality(body.host, body.port));
};
