import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { NodeAPI, NodeDef } from 'node-red';
import { fetchBambuSnapshot } from '../../src/sources/bambu/camera';
import { BambuConnection } from '../../src/sources/bambu/connection';
import { PinStore } from '../../src/sources/bambu/pin-store';
import { probeBambu } from '../../src/sources/bambu/probe';
import type { PrinterTls } from '../../src/sources/bambu/tls-stream';
import { parseBedCooled } from '../../src/bed-cooled';
import { reportConfigError } from '../shared/errors';
import { shareConnection } from '../shared/shared-connection';
import { jobStateStoreFor } from '../shared/job-state-store';
import { registerProbeRoute } from '../shared/probe-route';
import { typedOrStoredSecret } from '../shared/typed-or-stored-secret';
import { probeFailure } from '../../src/sources/probe-result';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import { readPrinterSettings } from './printer-config';
import type { BambuPrinterNode, PrinterCredentials } from './printer-node';
import { positiveSetting } from '../shared/number-setting';

interface PrinterConfig extends NodeDef {
  host: string;
  port?: number | string;
  serial: string;
  tls?: string;
  ca?: string;
  fingerprint?: string;
  /** °C below which printer.bed_cooled fires after a job (default 35, 0 = off). */
  bedCooled?: number | string;
  version?: number;
  /** Test-only knobs (not in the editor), in ms / a port number. */
  watchdogMs?: number;
  pushallMs?: number;
  reconnectMs?: number;
  slowRetryMs?: number;
  cameraPort?: number;
}


/** Stable across redeploys and re-imports: derived from the serial. */
function printerIdFor(serial: string): string {
  return `bambu-${createHash('sha256').update(serial.toUpperCase()).digest('hex').slice(0, 12)}`;
}

export = function (RED: NodeAPI) {
  const pinStore = () => new PinStore(path.join(RED.settings.userDir || path.join(os.homedir(), '.node-red'), 'printhooks', 'bambu-pins.json'));

  function BambuPrinter(this: BambuPrinterNode, raw: PrinterConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<PrinterConfig>(raw, MIGRATIONS);
    try {
      const settings = readPrinterSettings(config as unknown as Record<string, unknown>, this.credentials?.accessCode);
      const pins = pinStore();
      const tls: PrinterTls = { mode: settings.tls, ca: settings.ca, expected: () => settings.fingerprint ?? pins.get(settings.serial) };
      this.printer = { id: printerIdFor(settings.serial), name: config.name || settings.serial, kind: 'bambu' };
      this.bedCooledBelow = parseBedCooled(config.bedCooled);
      const reconnectMs = positiveSetting(config.reconnectMs);
      const connection = new BambuConnection({
        host: settings.host,
        port: settings.port,
        serial: settings.serial,
        accessCode: settings.accessCode,
        tls,
        onFirstFingerprint: (fingerprint) => {
          pins.set(settings.serial, fingerprint);
          this.log(`pinned the certificate of ${settings.serial}: SHA-256 ${fingerprint}`);
        },
        watchdogMs: positiveSetting(config.watchdogMs),
        pushallMinIntervalMs: positiveSetting(config.pushallMs),
        backoff: reconnectMs ? { baseMs: reconnectMs, maxMs: reconnectMs * 4 } : undefined,
        slowRetryMs: positiveSetting(config.slowRetryMs),
        warn: (message) => this.warn(message),
        jobState: jobStateStoreFor(RED, this, this.printer),
      });
      this.connection = connection;
      this.snapshot = () =>
        fetchBambuSnapshot({
          host: settings.host,
          port: positiveSetting(config.cameraPort),
          serial: settings.serial,
          accessCode: settings.accessCode,
          tls,
          model: connection.printer.model,
        });
    } catch (err) {
      this.configError = (err as Error).message;
      this.printer = { id: `bambu-${this.id}`, name: config.name || 'Bambu Lab printer', kind: 'bambu' };
      reportConfigError(this, this.configError);
    }

    shareConnection(this, () => this.connection);
  }

  RED.nodes.registerType<BambuPrinterNode, PrinterConfig, unknown, PrinterCredentials>('printhooks-bambu-printer', BambuPrinter, {
    credentials: { accessCode: { type: 'password' } },
  });

  // "Test connection": model, firmware and state from the printer, or exactly what is wrong.
  registerProbeRoute(RED, 'printhooks-bambu-printer', (body) => {
    const accessCode = typedOrStoredSecret(RED, body, 'accessCode', 'printhooks-bambu-printer');
    let settings;
    try {
      settings = readPrinterSettings(body, accessCode);
    } catch (err) {
      return Promise.resolve(probeFailure('config', (err as Error).message));
    }
    const expected = settings.fingerprint ?? pinStore().get(settings.serial);
    return probeBambu({
      host: settings.host,
      port: settings.port,
      serial: settings.serial,
      accessCode: settings.accessCode,
      tls: { mode: settings.tls, ca: settings.ca, expected: () => expected },
    });
  });

  // The pinned fingerprint, shown in the editor.
  RED.httpAdmin.get('/printhooks-bambu-printer/pin', RED.auth.needsPermission('printhooks-bambu-printer.read'), (req, res) => {
    const serial = typeof req.query.serial === 'string' ? req.query.serial.trim() : '';
    res.json({ fingerprint: serial ? pinStore().get(serial) ?? null : null });
  });

  // Re-pin: forget the stored fingerprint; the next connection pins the certificate it sees.
  RED.httpAdmin.post('/printhooks-bambu-printer/repin', RED.auth.needsPermission('printhooks-bambu-printer.write'), (req, res) => {
    const serial = typeof req.body?.serial === 'string' ? req.body.serial.trim() : '';
    if (!serial) {
      res.status(400).json({ ok: false, message: 'serial: missing' });
      return;
    }
    pinStore().clear(serial);
    res.json({ ok: true, message: 'pin cleared: the next connection pins the certificate it sees' });
  });
};
