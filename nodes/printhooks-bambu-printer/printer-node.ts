import type { Node } from 'node-red';
import type { PrinterRef } from '../../src/event';
import type { BambuConnection } from '../../src/sources/bambu/connection';

export interface PrinterCredentials {
  accessCode?: string;
}

/** What a printhooks-bambu-printer config node offers the source nodes that use it. */
export interface BambuPrinterNode extends Node<PrinterCredentials> {
  /** Absent when the config is unusable; `configError` then says why. */
  connection?: BambuConnection;
  configError?: string;
  printer: PrinterRef;
  /** printer.bed_cooled threshold, °C (0 = off). */
  bedCooledBelow?: number;
  snapshot?: () => Promise<Buffer>;
  register(user: Node): void;
  deregister(user: Node, done: () => void): void;
}
