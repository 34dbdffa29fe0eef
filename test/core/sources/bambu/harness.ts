import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrinterEvent } from '../../../../src/event';
import { BambuConnection, type ConnectionOptions, type LinkPhase } from '../../../../src/sources/bambu/connection';
import { BambuMonitor } from '../../../../src/sources/bambu/monitor';
import { PinStore } from '../../../../src/sources/bambu/pin-store';
import type { TlsMode } from '../../../../src/sources/bambu/tls-stream';
import type { FakePrinter } from '../../../fakes/bambu/fake-printer';

export async function waitFor(check: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Rig {
  connection: BambuConnection;
  monitor: BambuMonitor;
  events: PrinterEvent[];
  phases: LinkPhase[];
  warnings: string[];
  pins: PinStore;
  types(): string[];
  stop(): Promise<void>;
}

export interface RigOptions extends Partial<ConnectionOptions> {
  mode?: TlsMode;
  ca?: string;
  fingerprint?: string;
  pinFile?: string;
  offlineDelayMs?: number;
}

/** A connection to the fake printer with one monitor collecting its events; short timers throughout. */
export function rig(printer: FakePrinter, options: RigOptions = {}): Rig {
  const pins = new PinStore(options.pinFile ?? join(mkdtempSync(join(tmpdir(), 'printhooks-pins-')), 'bambu-pins.json'));
  const events: PrinterEvent[] = [];
  const phases: LinkPhase[] = [];
  const warnings: string[] = [];
  const mode = options.mode ?? 'pin';
  const connection = new BambuConnection({
    host: '127.0.0.1',
    port: options.port ?? printer.port,
    serial: options.serial ?? printer.serial,
    accessCode: options.accessCode ?? printer.accessCode,
    tls: { mode, ca: options.ca, expected: () => options.fingerprint ?? pins.get(printer.serial) },
    onFirstFingerprint: (fp) => pins.set(printer.serial, fp),
    watchdogMs: options.watchdogMs ?? 2000,
    pushallMinIntervalMs: options.pushallMinIntervalMs,
    backoff: { baseMs: 30, maxMs: 100 },
    slowRetryMs: options.slowRetryMs ?? 300,
    warn: (message) => warnings.push(message),
  });
  const monitor = new BambuMonitor({
    printer: { id: 'bambu-test', name: 'P1S', kind: 'bambu' },
    connection,
    emit: (event) => events.push(event),
    onPhase: (phase) => phases.push(phase),
    offlineDelayMs: options.offlineDelayMs ?? 50,
  });
  connection.start();
  return {
    connection,
    monitor,
    events,
    phases,
    warnings,
    pins,
    types: () => events.map((e) => e.type),
    stop: async () => {
      monitor.dispose();
      await connection.stop();
    },
  };
}
