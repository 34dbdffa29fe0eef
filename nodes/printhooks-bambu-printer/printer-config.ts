import { normalizeFingerprint } from '../../src/sources/bambu/fingerprint';
import type { TlsMode } from '../../src/sources/bambu/tls-stream';

/** The editor fields of a printhooks-bambu-printer, checked. */
export interface PrinterSettings {
  host: string;
  port: number;
  serial: string;
  accessCode: string;
  tls: TlsMode;
  ca?: string;
  fingerprint?: string;
}

const MODES: readonly TlsMode[] = ['pin', 'ca', 'insecure'];

/** Reads and validates the config; throws an Error naming the field that is wrong. */
export function readPrinterSettings(config: Record<string, unknown>, accessCode: string | undefined): PrinterSettings {
  const host = typeof config.host === 'string' ? config.host.trim() : '';
  if (!host || /[\s/]/.test(host)) throw new Error('host: give the printer\'s IP address or host name');
  const serial = typeof config.serial === 'string' ? config.serial.trim() : '';
  if (!/^[A-Za-z0-9]{4,32}$/.test(serial)) throw new Error('serial: give the printer\'s serial number (letters and digits)');
  const code = (accessCode ?? '').trim();
  if (!code) throw new Error('access code: copy it from the printer\'s network settings (LAN mode)');
  const rawPort = config.port === undefined || config.port === '' ? 8883 : Number(config.port);
  if (!Number.isInteger(rawPort) || rawPort < 1 || rawPort > 65535) throw new Error('port: must be 1-65535 (the printer uses 8883)');
  const tls = (config.tls === undefined || config.tls === '' ? 'pin' : config.tls) as TlsMode;
  if (!MODES.includes(tls)) throw new Error('tls: choose pin, ca or insecure');
  const settings: PrinterSettings = { host, port: rawPort, serial, accessCode: code, tls };
  if (tls === 'ca') {
    const ca = typeof config.ca === 'string' ? config.ca.trim() : '';
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error('ca: paste the CA certificate(s) in PEM form');
    settings.ca = ca;
  }
  const fingerprint = typeof config.fingerprint === 'string' ? config.fingerprint.trim() : '';
  if (tls === 'pin' && fingerprint) {
    const normalized = normalizeFingerprint(fingerprint);
    if (!normalized) throw new Error('fingerprint: 64 hex digits (SHA-256), colons optional');
    settings.fingerprint = normalized;
  }
  return settings;
}
