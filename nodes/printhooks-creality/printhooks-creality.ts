import type { NodeAPI, Node, NodeDef } from 'node-red';
import { CrealityMonitor } from '../../src/sources/creality/monitor';
import { statusFor } from '../../src/sources/creality/status';
import { reportConfigError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import type { CrealityPrinterNode } from '../printhooks-creality-printer/printer-node';

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
  function CrealitySource(this: Node, raw: SourceConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<SourceConfig>(raw, MIGRATIONS);
    const printer = RED.nodes.getNode(config.printer) as CrealityPrinterNode | null;
    if (!printer || !printer.connection) {
      reportConfigError(this, printer?.configError ?? 'printhooks-creality: choose a Creality printer (config node)');
      this.on('close', (_removed: boolean, done: () => void) => done());
      return;
    }
    const monitor = new CrealityMonitor({
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

  RED.nodes.registerType('printhooks-creality', CrealitySource);
};
