import type { PrinterRef } from '../../src/event';
import { parseBaseUrl, printerIdFromUrl, type OctoPrintBase } from '../../src/sources/octoprint/url';
import { parseBedCooled } from '../../src/bed-cooled';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';

/** The config node's fields as saved in the flow (docs/octoprint.md; optional ones are in the help). */
export interface RawServerConfig {
  name?: string;
  url?: string;
  printerId?: string;
  snapshotUrl?: string;
  allowSelfSigned?: boolean;
  offlineDelay?: number | string;
  bedCooled?: number | string;
  /** Only M117 / action texts starting with this become printer.message; empty = all (docs/octoprint.md). */
  messagePrefix?: string;
  version?: number;
}

export interface ServerConfig {
  base: OctoPrintBase;
  printer: PrinterRef;
  snapshotUrl: string;
  allowSelfSigned: boolean;
  offlineDelayMs: number;
  bedCooledBelow: number;
  messagePrefix: string;
}

export function parseServerConfig(def: object): ServerConfig {
  const raw = migrateConfig<RawServerConfig>(def, MIGRATIONS);
  const base = parseBaseUrl(raw.url);
  const delay = Number(raw.offlineDelay ?? 30);
  if (!Number.isFinite(delay) || delay < 0) throw new Error(`offlineDelay "${raw.offlineDelay}" must be a number of seconds, 0 or more`);
  const printerId = typeof raw.printerId === 'string' && raw.printerId.trim() !== '' ? raw.printerId.trim() : printerIdFromUrl(base);
  const name = typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name.trim() : base.url.host;
  return {
    base,
    printer: { id: printerId, name, kind: 'octoprint' },
    snapshotUrl: typeof raw.snapshotUrl === 'string' ? raw.snapshotUrl.trim() : '',
    allowSelfSigned: raw.allowSelfSigned === true,
    offlineDelayMs: Math.round(delay * 1000),
    bedCooledBelow: parseBedCooled(raw.bedCooled),
    messagePrefix: typeof raw.messagePrefix === 'string' ? raw.messagePrefix.trim() : '',
  };
}
