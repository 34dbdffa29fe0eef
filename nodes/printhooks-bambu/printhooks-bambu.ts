import type { NodeAPI, Node, NodeDef } from 'node-red';
import { BambuMonitor } from '../../src/sources/bambu/monitor';
import { statusFor } from '../../src/sources/bambu/status';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { reportConfigError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import type { BambuPrinterNode } from '../printhooks-bambu-printer/printer-node';

interface SourceConfig extends NodeDef {
  printer: string;
  includeRaw?: boolean;
  version?: number;
  /** Test-only knob (not in the editor), in ms. */
  offlineDelayMs?: number;
}

function nonNegative(value: unknown): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export = function (RED: NodeAPI) {
  function BambuSource(this: Node, raw: SourceConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<SourceConfig>(raw, MIGRATIONS);
    const printer = RED.nodes.getNode(config.printer) as BambuPrinterNode | null;
    if (!printer || !printer.connection) {
      reportConfigError(this, printer?.configError ?? 'printhooks-bambu: choose a Bambu Lab printer (config node)');
      this.on('close', (_removed: boolean, done: () => void) => done());
      return;
    }
    const monitor = new BambuMonitor({
      printer: printer.printer,
      connection: printer.connection,
      includeRaw: config.includeRaw === true,
      offlineDelayMs: nonNegative(config.offlineDelayMs),
      bedCooledBelow: printer.bedCooledBelow,
      emit: (event) => this.send({ topic: event.type, payload: event }),
      onPhase: (phase, job) => this.status(statusFor(phase, job)),
    });
    const unregisterSnapshot = printer.snapshot ? registerSnapshotProvider(printer.printer.id, printer.snapshot) : () => undefined;
    printer.register(this);

    this.on('close', (_removed: boolean, done: () => void) => {
      monitor.dispose();
      unregisterSnapshot();
      printer.deregister(this, done);
    });
  }

  RED.nodes.registerType('printhooks-bambu', BambuSource);
};
