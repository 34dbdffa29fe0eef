import type { Node } from 'node-red';
import type { PrinterRef } from '../../src/event';
import type { CrealityConnection } from '../../src/sources/creality/connection';

/** What a printhooks-creality-printer config node offers the source nodes that use it. */
export interface CrealityPrinterNode extends Node {
  /** Absent when the config is unusable; `configError` then says why. */
  connection?: CrealityConnection;
  configError?: string;
  printer: PrinterRef;
  /** How long the printer must stay unreachable (silence included) before printer.offline. */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off). */
  bedCooledBelow?: number;
  register(user: Node): void;
  deregister(user: Node, done: () => void): void;
}
