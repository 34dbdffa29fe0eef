import { createHash } from 'node:crypto';
import type { NodeAPI, NodeDef } from 'node-red';
import { MoonrakerConnection } from '../../src/sources/moonraker/connection';
import { probeMoonraker } from '../../src/sources/moonraker/probe';
import { fetchMoonrakerSnapshot } from '../../src/sources/moonraker/snapshot';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { parseMoonrakerUrl } from '../../src/sources/moonraker/url';
import { reportConfigError } from '../shared/errors';
import { shareConnection } from '../shared/shared-connection';
import { jobStateStoreFor } from '../shared/job-state-store';
import { registerProbeRoute } from '../shared/probe-route';
import { typedOrStoredSecret } from '../shared/typed-or-stored-secret';
import { parseBedCooled } from '../../src/bed-cooled';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import type { MoonrakerServerNode, ServerCredentials } from './server-node';
import { positiveSetting } from '../shared/number-setting';

interface ServerConfig extends NodeDef {
  url: string;
  /** Seconds the link must stay down before printer.offline (default 30). */
  offlineDelay?: number | string;
  /** °C below which printer.bed_cooled fires after a job (default 35, 0 = off). */
  bedCooled?: number | string;
  /** Only RESPOND / M117 texts starting with this become printer.message; empty = all (docs/moonraker.md). */
  messagePrefix?: string;
  version?: number;
  /** Test-only knobs (not in the editor): first reconnect delay and Klippy re-ask interval in ms. */
  reconnectMs?: number;
  klippyRetryMs?: number;
}

/** Stable across redeploys and re-imports of the config node: derived from where Moonraker lives. */
function printerIdFor(httpBase: string): string {
  return `moonraker-${createHash('sha256').update(httpBase.toLowerCase()).digest('hex').slice(0, 12)}`;
}


export = function (RED: NodeAPI) {
  function MoonrakerServer(this: MoonrakerServerNode, raw: ServerConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<ServerConfig>(raw, MIGRATIONS);
    const apiKey = this.credentials?.apiKey?.trim() || undefined;
    let releaseSnapshot = () => {};
    try {
      const endpoint = parseMoonrakerUrl(config.url);
      const delay = config.offlineDelay === undefined || config.offlineDelay === '' ? 30 : Number(config.offlineDelay);
      if (!Number.isFinite(delay) || delay < 0) throw new Error(`offlineDelay "${String(config.offlineDelay)}" must be a number of seconds, 0 or more`);
      this.offlineDelayMs = Math.round(delay * 1000);
      this.bedCooledBelow = parseBedCooled(config.bedCooled);
      this.messagePrefix = typeof config.messagePrefix === 'string' ? config.messagePrefix.trim() : '';
      this.printer = { id: printerIdFor(endpoint.httpBase), name: config.name || endpoint.host, kind: 'moonraker' };
      const reconnectMs = positiveSetting(config.reconnectMs);
      this.connection = new MoonrakerConnection({
        url: config.url,
        apiKey,
        clientName: 'PrintHooks Node-RED',
        backoff: reconnectMs ? { baseMs: reconnectMs, maxMs: reconnectMs * 4 } : undefined,
        klippyRetryMs: positiveSetting(config.klippyRetryMs),
        warn: (message) => this.warn(message),
        jobState: jobStateStoreFor(RED, this, this.printer),
      });
      // One provider per printer, owned here so it lives exactly as long as the printer's config.
      releaseSnapshot = registerSnapshotProvider(this.printer.id, () => fetchMoonrakerSnapshot({ endpoint, apiKey }));
    } catch (err) {
      this.configError = `printhooks-moonraker-server: ${(err as Error).message}`;
      this.printer = { id: `moonraker-${this.id}`, name: config.name || 'Moonraker', kind: 'moonraker' };
      reportConfigError(this, this.configError);
    }

    shareConnection(this, () => this.connection, { onClose: () => releaseSnapshot() });
  }

  RED.nodes.registerType<MoonrakerServerNode, ServerConfig, unknown, ServerCredentials>('printhooks-moonraker-server', MoonrakerServer, {
    credentials: { apiKey: { type: 'password' } },
  });

  // "Test connection" in the editor: Moonraker version and Klippy state, or exactly what is wrong.
  registerProbeRoute(RED, 'printhooks-moonraker-server', (body) => {
    const apiKey = typedOrStoredSecret(RED, body, 'apiKey', 'printhooks-moonraker-server');
    return probeMoonraker(typeof body.url === 'string' ? body.url : '', apiKey || undefined);
  });
};
