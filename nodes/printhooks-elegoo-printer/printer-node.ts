import type { Node } from 'node-red';
import type { PrinterRef } from '../../src/event';
import type { ElegooLink } from '../../src/sources/elegoo/link';

export interface PrinterCredentials {
  accessCode?: string;
}

/** What a printhooks-elegoo-printer config node offers the source nodes that use it. */
export interface ElegooPrinterNode extends Node<PrinterCredentials> {
  /** Absent when the config is unusable; `configError` then says why. */
  link?: ElegooLink;
  configError?: string;
  printer: PrinterRef;
  /** printer.bed_cooled threshold, °C (0 = off). */
  bedCooledBelow?: number;
  register(user: Node): void;
  deregister(user: Node, done: () => void): void;
}
