import { createHash } from 'node:crypto';
import type { NodeAPI, NodeDef } from 'node-red';
import { parseBedCooled } from '../../src/bed-cooled';
import type { BackoffOptions } from '../../src/sources/backoff';
import { Cc2Connection } from '../../src/sources/elegoo/cc2-connection';
import { SdcpConnection } from '../../src/sources/elegoo/connection';
import { discoverElegoo, type DiscoveryOptions } from '../../src/sources/elegoo/discovery';
import type { ElegooLink } from '../../src/sources/elegoo/link';
import { probeElegoo } from '../../src/sources/elegoo/probe';
import { probeFailure } from '../../src/sources/probe-result';
import type { JobStateStore } from '../../src/state/job-state-store';
import { reportConfigError } from '../shared/errors';
import { jobStateStoreFor } from '../shared/job-state-store';
import { jsonRoute } from '../shared/json-route';
import { migrateConfig } from '../shared/migrate';
import { registerProbeRoute } from '../shared/probe-route';
import { shareConnection } from '../shared/shared-connection';
import { typedOrStoredSecret } from '../shared/typed-or-stored-secret';
import { MIGRATIONS } from './migrations';
import { readPrinterSettings, type PrinterSettings } from './printer-config';
import type { ElegooPrinterNode, PrinterCredentials } from './printer-node';
import { positiveSetting } from '../shared/number-setting';

interface PrinterConfig extends NodeDef {
  host: string;
  port?: number | string;
  model?: string;
  mainboardId?: string;
  /** °C below which printer.bed_cooled fires after a job (default 35, 0 = off). */
  bedCooled?: number | string;
  version?: number;
  /** Test-only knobs (not in the editor), in ms. */
  reconnectMs?: number;
  busyRetryMs?: number;
  slowRetryMs?: number;
  pingMs?: number;
  silenceMs?: number;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
}


/**
 * Stable across redeploys and re-imports: a Centauri Carbon 2 by its serial number, an SDCP printer by
 * its address (its MainboardID can change with a firmware update; docs/elegoo.md, "Identity").
 */
function printerIdFor(settings: PrinterSettings): string {
  const key = settings.model === 'cc2' ? `cc2:${settings.mainboardId?.toUpperCase()}` : `${settings.model}:${settings.host.toLowerCase()}:${settings.port}`;
  return `elegoo-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

interface LinkKnobs {
  backoff?: BackoffOptions;
  busyRetryMs?: number;
  slowRetryMs?: number;
  pingMs?: number;
  silenceMs?: number;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  warn?: (message: string) => void;
  jobState?: JobStateStore;
}

/** The link for the chosen model family: SDCP websocket (cc, resin) or the CC2's MQTT broker. */
function linkFor(settings: PrinterSettings, knobs: LinkKnobs): ElegooLink {
  if (settings.model === 'cc2') {
    return new Cc2Connection({ host: settings.host, port: settings.port, serial: settings.mainboardId ?? '', accessCode: settings.accessCode, ...knobs });
  }
  return new SdcpConnection({ host: settings.host, port: settings.port, model: settings.model, mainboardId: settings.mainboardId, ...knobs });
}

export = function (RED: NodeAPI) {
  function ElegooPrinter(this: ElegooPrinterNode, raw: PrinterConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<PrinterConfig>(raw, MIGRATIONS);
    try {
      const settings = readPrinterSettings(config as unknown as Record<string, unknown>, this.credentials?.accessCode);
      this.printer = { id: printerIdFor(settings), name: config.name || settings.host, kind: 'elegoo' };
      this.bedCooledBelow = parseBedCooled(config.bedCooled);
      const reconnectMs = positiveSetting(config.reconnectMs);
      this.link = linkFor(settings, {
        backoff: reconnectMs ? { baseMs: reconnectMs, maxMs: reconnectMs * 4 } : undefined,
        busyRetryMs: positiveSetting(config.busyRetryMs),
        slowRetryMs: positiveSetting(config.slowRetryMs),
        pingMs: positiveSetting(config.pingMs),
        silenceMs: positiveSetting(config.silenceMs),
        heartbeatMs: positiveSetting(config.heartbeatMs),
        pongTimeoutMs: positiveSetting(config.pongTimeoutMs),
        warn: (message) => this.warn(message),
        jobState: jobStateStoreFor(RED, this, this.printer),
      });
    } catch (err) {
      this.configError = `printhooks-elegoo-printer: ${(err as Error).message}`;
      this.printer = { id: `elegoo-${this.id}`, name: config.name || 'Elegoo printer', kind: 'elegoo' };
      reportConfigError(this, this.configError);
    }

    shareConnection(this, () => this.link);
  }

  RED.nodes.registerType<ElegooPrinterNode, PrinterConfig, unknown, PrinterCredentials>('printhooks-elegoo-printer', ElegooPrinter, {
    credentials: { accessCode: { type: 'password' } },
  });

  // "Test connection": model, firmware and state from the printer, or exactly what is wrong (a full printer included).
  registerProbeRoute(RED, 'printhooks-elegoo-printer', (body) => {
    const accessCode = typedOrStoredSecret(RED, body, 'accessCode', 'printhooks-elegoo-printer');
    let settings: PrinterSettings;
    try {
      settings = readPrinterSettings(body, accessCode);
    } catch (err) {
      return Promise.resolve(probeFailure('config', (err as Error).message));
    }
    const where = settings.model === 'cc2' ? `mqtt://${settings.host}:${settings.port}` : `ws://${settings.host}:${settings.port}/websocket`;
    // One attempt only: a probe never retries into a printer's scarce client slots.
    return probeElegoo(linkFor(settings, { busyRetryMs: 3_600_000, backoff: { baseMs: 3_600_000 } }), where);
  });

  // "Find printers": the SDCP and CC2 discovery broadcasts (docs/elegoo.md, "Discovery"). Tests point them at
  // 127.0.0.1 through the `printhooksElegooDiscovery` setting.
  RED.httpAdmin.post(
    '/printhooks-elegoo-printer/discover',
    RED.auth.needsPermission('printhooks-elegoo-printer.write'),
    jsonRoute('Find printers', async (_req, res) => {
      const setting = (RED.settings as unknown as Record<string, unknown>).printhooksElegooDiscovery;
      const options = setting !== null && typeof setting === 'object' ? (setting as DiscoveryOptions) : {};
      res.json({ printers: await discoverElegoo(options) });
    }),
  );
};
