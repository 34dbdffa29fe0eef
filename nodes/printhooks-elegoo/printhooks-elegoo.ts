import type { NodeAPI, Node, NodeDef } from 'node-red';
import { ElegooMonitor } from '../../src/sources/elegoo/monitor';
import { statusFor } from '../../src/sources/elegoo/status';
import { reportConfigError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import type { ElegooPrinterNode } from '../printhooks-elegoo-printer/printer-node';

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
  function ElegooSource(this: Node, raw: SourceConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<SourceConfig>(raw, MIGRATIONS);
    const printer = RED.nodes.getNode(config.printer) as ElegooPrinterNode | null;
    if (!printer || !printer.link) {
      reportConfigError(this, printer?.configError ?? 'printhooks-elegoo: choose an Elegoo printer (config node)');
      this.on('close', (_removed: boolean, done: () => void) => done());
      return;
    }
    const monitor = new ElegooMonitor({
      printer: printer.printer,
      link: printer.link,
      includeRaw: config.includeRaw === true,
      offlineDelayMs: nonNegative(config.offlineDelayMs),
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

  RED.nodes.registerType('printhooks-elegoo', ElegooSource);
};
