import type { Node, NodeStatus } from 'node-red';
import type { PrinterEvent, PrinterRef } from '../../src/event';
import type { OctoPrintConnection } from '../../src/sources/octoprint/connection';

/** A node that uses the shared connection (printhooks-octoprint). */
export interface OctoPrintUser extends Node {
  deliver(event: PrinterEvent): void;
  showStatus(status: NodeStatus): void;
}

/** The config node as its users see it: one connection shared by every registered user. */
export interface OctoPrintServerNode extends Node {
  printer?: PrinterRef;
  /** Why the connection cannot be opened (bad url, missing key), or undefined. */
  configError?: string;
  /** The open connection while at least one user is registered. */
  connection?: OctoPrintConnection;
  register(user: OctoPrintUser): void;
  deregister(user: OctoPrintUser, done: () => void): void;
}
