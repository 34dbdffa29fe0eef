import type { Node } from 'node-red';
import type { PrinterRef } from '../../src/event';
import type { MoonrakerConnection } from '../../src/sources/moonraker/connection';

export interface ServerCredentials {
  apiKey?: string;
}

/** What a printhooks-moonraker-server config node offers the source nodes that use it. */
export interface MoonrakerServerNode extends Node<ServerCredentials> {
  /** Absent when the config is unusable; `configError` then says why. */
  connection?: MoonrakerConnection;
  configError?: string;
  printer: PrinterRef;
  /** How long the link must stay down before printer.offline. */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off). */
  bedCooledBelow?: number;
  register(user: Node): void;
  deregister(user: Node, done: () => void): void;
}
