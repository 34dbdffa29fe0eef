import type { NodeAPI, NodeDef } from 'node-red';
import { parseBedCooled } from '../../src/bed-cooled';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { probeFailure } from '../../src/sources/probe-result';
import { PrusaLinkConnection } from '../../src/sources/prusalink/connection';
import { probePrusaLink } from '../../src/sources/prusalink/probe';
import { createSnapshotProvider } from '../../src/sources/prusalink/snapshot';
import { parsePrusaLinkUrl, printerIdFromUrl } from '../../src/sources/prusalink/url';
import { reportConfigError } from '../shared/errors';
import { jobStateStoreFor } from '../shared/job-state-store';
import { migrateConfig } from '../shared/migrate';
import { registerProbeRoute } from '../shared/probe-route';
import { shareConnection } from '../shared/shared-connection';
import { typedOrStoredSecret } from '../shared/typed-or-stored-secret';
import { MIGRATIONS } from './migrations';
import { authFrom, offlineDelayMsFrom, pollMsFrom } from './printer-config';
import type { PrinterCredentials, PrusaLinkPrinterNode } from './printer-node';
import { positiveSetting } from '../shared/number-setting';

interface PrinterConfig extends NodeDef {
  url: string;
  /** Seconds between polls (default 5). */
  pollInterval?: number | string;
  /** Seconds the printer must stay away before printer.offline (default 30). */
  offlineDelay?: number | string;
  /** °C below which printer.bed_cooled fires after a job (default 35, 0 = off). */
  bedCooled?: number | string;
  version?: number;
  /** Test-only knobs (not in the editor), in ms. */
  pollMs?: number;
  fastPollMs?: number;
  reconnectMs?: number;
}


const TYPE = 'printhooks-prusalink-printer';

export = function (RED: NodeAPI) {
  function PrusaLinkPrinter(this: PrusaLinkPrinterNode, raw: PrinterConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<PrinterConfig>(raw, MIGRATIONS);
    let releaseSnapshot = () => {};
    try {
      const base = parsePrusaLinkUrl(config.url);
      const pollMs = positiveSetting(config.pollMs) ?? pollMsFrom(config.pollInterval);
      this.offlineDelayMs = offlineDelayMsFrom(config.offlineDelay);
      this.bedCooledBelow = parseBedCooled(config.bedCooled);
      this.printer = { id: printerIdFromUrl(base), name: config.name || base.url.host, kind: 'prusalink' };
      const auth = authFrom(this.credentials);
      const reconnectMs = positiveSetting(config.reconnectMs);
      const connection = new PrusaLinkConnection({
        url: config.url,
        auth,
        pollMs,
        fastPollMs: positiveSetting(config.fastPollMs),
        backoff: reconnectMs ? { baseMs: reconnectMs, maxMs: reconnectMs * 4 } : undefined,
        warn: (message) => this.warn(message),
        jobState: jobStateStoreFor(RED, this, this.printer),
      });
      this.connection = connection;
      // One provider per printer, owned here so it lives exactly as long as the printer's config.
      releaseSnapshot = registerSnapshotProvider(this.printer.id, createSnapshotProvider(connection.client));
    } catch (err) {
      this.configError = (err as Error).message;
      this.printer = { id: `prusalink-${this.id}`, name: config.name || 'PrusaLink', kind: 'prusalink' };
      reportConfigError(this, this.configError);
    }

    shareConnection(this, () => this.connection, { onClose: () => releaseSnapshot() });
  }

  RED.nodes.registerType<PrusaLinkPrinterNode, PrinterConfig, unknown, PrinterCredentials>(TYPE, PrusaLinkPrinter, {
    credentials: { username: { type: 'text' }, password: { type: 'password' }, apiKey: { type: 'password' } },
  });

  // "Test connection": which PrusaLink, the printer's state and the auth that worked, or exactly what is wrong.
  registerProbeRoute(RED, TYPE, (body) => {
    let auth;
    try {
      auth = authFrom({
        username: typedOrStoredSecret(RED, body, 'username', TYPE),
        password: typedOrStoredSecret(RED, body, 'password', TYPE),
        apiKey: typedOrStoredSecret(RED, body, 'apiKey', TYPE),
      });
    } catch (err) {
      return Promise.resolve(probeFailure('config', (err as Error).message));
    }
    return probePrusaLink({ url: body.url, auth });
  });
};
