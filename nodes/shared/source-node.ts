import type { Node, NodeAPI, NodeDef, NodeStatus } from 'node-red';
import type { PrinterEvent, PrinterRef } from '../../src/event';
import { reportConfigError, statusText } from './errors';
import { migrateConfig, type Migration } from './migrate';
import { nonNegativeSetting } from './number-setting';
import { sourceExtras } from './source-extras';
import { printerBoard } from './printer-board';
import { whileOwned } from './printer-ownership';

/** What every printer config node offers the source nodes that use it (docs/layout.md). */
export interface PrinterConfigNode<Credentials extends object = object> extends Node<Credentials> {
  /** Set when the config is unusable; says why. */
  configError?: string;
  printer: PrinterRef;
  /** How long the link must stay down before printer.offline. */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off). */
  bedCooledBelow?: number;
  /** Only printer texts starting with this become printer.message (empty = all; Moonraker). */
  messagePrefix?: string;
  register(user: Node): void;
  deregister(user: Node, done: () => void): void;
}

/** The options every platform's monitor takes from its source node. */
export interface MonitorBasics<Phase extends unknown[]> {
  printer: PrinterRef;
  includeRaw: boolean;
  /** The source node's test-only `offlineDelayMs`, else the config node's offline delay. */
  offlineDelayMs?: number;
  bedCooledBelow?: number;
  messagePrefix?: string;
  emit(event: PrinterEvent): void;
  onPhase(...phase: Phase): void;
  warn(message: string): void;
}

export interface SourceNodeSpec<P extends PrinterConfigNode<object>, Phase extends unknown[]> {
  /** The field that names the config node: `printer`, or `server` for Moonraker. */
  configField: string;
  migrations: readonly Migration[];
  /** Shown when no usable config node is chosen. */
  missing: string;
  /** True when the config node has a link the monitor can follow. */
  ready(printer: P): boolean;
  /** The platform's status for a phase (src/sources/<platform>/status.ts). */
  statusFor(...phase: Phase): NodeStatus;
  /** Starts the platform's monitor; `dispose()` is called when the node closes. */
  start(printer: P, basics: MonitorBasics<Phase>, config: Record<string, unknown>): { dispose(): void };
}

/**
 * Registers a source node type: a thin user of one printer config node that runs a monitor over the
 * config node's shared link and sends what the monitor emits. Every source works this way (docs/layout.md).
 */
export function registerSourceNode<P extends PrinterConfigNode<object>, Phase extends unknown[]>(
  RED: NodeAPI,
  type: string,
  spec: SourceNodeSpec<P, Phase>,
): void {
  function SourceNode(this: Node, raw: NodeDef) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<Record<string, unknown>>(raw, spec.migrations);
    const id = config[spec.configField];
    const printer = typeof id === 'string' && id !== '' ? (RED.nodes.getNode(id) as P | null) : null;
    if (!printer || printer.configError !== undefined || !spec.ready(printer)) {
      const problem = printer?.configError ?? `${type}: ${spec.missing}`;
      reportConfigError(this, problem);
      // the sidebar lists an unusable printer too, with what to fix
      const unusable = printer ? printerBoard.attach(printer.id, printer.printer ?? { id: printer.id, name: printer.name || printer.id, kind: type.replace('printhooks-', '') as PrinterRef['kind'] }, { id: this.id, name: this.name }) : undefined;
      unusable?.status({ fill: 'red', text: statusText(problem) });
      this.on('close', (_removed: boolean, done: () => void) => {
        unusable?.detach();
        done();
      });
      return;
    }
    // the PrintHooks sidebar lists the printer under its config node's name (docs/editor.md "Sidebar")
    const feed = printerBoard.attach(printer.id, printer.printer, { id: this.id, name: this.name });
    // the end-of-print image and the maintenance odometer (docs/snapshots.md, docs/maintenance.md)
    const extras = sourceExtras(RED, this, printer, printer.printer);
    this.on('input', (msg, _send, done) => extras.input(msg, done));
    // with a PostgreSQL store, only the instance holding the printer's lease runs it (docs/scale.md)
    const run = whileOwned(RED, printer, this, (status) => {
      feed.status(status);
      this.status(status);
    }, () =>
      spec.start(printer, {
        printer: printer.printer,
        includeRaw: config.includeRaw === true,
        offlineDelayMs: nonNegativeSetting(config.offlineDelayMs) ?? printer.offlineDelayMs,
        bedCooledBelow: printer.bedCooledBelow,
        messagePrefix: printer.messagePrefix,
        emit: (event) => {
          extras.forward(event, (out) => {
            feed.event(out);
            this.send({ topic: out.type, payload: out });
          });
        },
        onPhase: (...phase: Phase) => {
          const status = spec.statusFor(...phase);
          feed.status(status);
          this.status(status);
        },
        warn: (message) => this.warn(message),
      }, config));
    this.on('close', (_removed: boolean, done: () => void) => {
      feed.detach();
      run.close(done);
    });
  }
  RED.nodes.registerType(type, SourceNode);
}
