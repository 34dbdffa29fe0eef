import type { Node, NodeAPI, NodeDef } from 'node-red';
import { PrusaLinkMonitor } from '../../src/sources/prusalink/monitor';
import { statusFor } from '../../src/sources/prusalink/status';
import { reportConfigError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import type { PrusaLinkPrinterNode } from '../printhooks-prusalink-printer/printer-node';
import { MIGRATIONS } from './migrations';

interface SourceConfig extends NodeDef {
  printer: string;
  includeRaw?: boolean;
  version?: number;
  /** Test-only knob (not in the editor), in ms; overrides the printer's offlineDelay. */
  offlineDelayMs?: number;
}

function nonNegative(value: unknown): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export = function (RED: NodeAPI) {
  function PrusaLinkSource(this: Node, raw: SourceConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<SourceConfig>(raw, MIGRATIONS);
    const printer = RED.nodes.getNode(config.printer) as PrusaLinkPrinterNode | null;
    if (!printer || !printer.connection) {
      reportConfigError(this, printer?.configError ?? 'printhooks-prusalink: choose a PrusaLink printer (config node)');
      this.on('close', (_removed: boolean, done: () => void) => done());
      return;
    }
    const monitor = new PrusaLinkMonitor({
      printer: printer.printer,
      connection: printer.connection,
      includeRaw: config.includeRaw === true,
      offlineDelayMs: nonNegative(config.offlineDelayMs) ?? printer.offlineDelayMs,
      bedCooledBelow: printer.bedCooledBelow,
      emit: (event) => this.send({ topic: event.type, payload: event }),
      onPhase: (phase, job) => this.status(statusFor(phase, job)),
      warn: (message) => this.warn(message),
    });
    printer.register(this);

    this.on('close', (_removed: boolean, done: () => void) => {
      monitor.dispose();
      printer.deregister(this, done);
    });
  }

  RED.nodes.registerType('printhooks-prusalink', PrusaLinkSource);
};
