import type { Node } from 'node-red';
import type { PrinterRef } from '../../src/event';
import type { PrusaLinkConnection } from '../../src/sources/prusalink/connection';

export interface PrinterCredentials {
  username?: string;
  password?: string;
  apiKey?: string;
}

/** What a printhooks-prusalink-printer config node offers the source nodes that use it. */
export interface PrusaLinkPrinterNode extends Node<PrinterCredentials> {
  /** Absent when the config is unusable; `configError` then says why. */
  connection?: PrusaLinkConnection;
  configError?: string;
  printer: PrinterRef;
  /** How long the printer must stay away before printer.offline. */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off). */
  bedCooledBelow?: number;
  register(user: Node): void;
  deregister(user: Node, done: () => void): void;
}
