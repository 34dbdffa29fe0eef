import type { NodeAPI } from 'node-red';
import { BambuMonitor } from '../../src/sources/bambu/monitor';
import { statusFor } from '../../src/sources/bambu/status';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { registerSourceNode } from '../shared/source-node';
import type { BambuPrinterNode } from '../printhooks-bambu-printer/printer-node';
import { MIGRATIONS } from './migrations';

/** The Bambu Lab source node: a monitor over its printer config node's MQTT link (nodes/shared/source-node.ts). */
export = function (RED: NodeAPI) {
  registerSourceNode<BambuPrinterNode, Parameters<typeof statusFor>>(RED, 'printhooks-bambu', {
    configField: 'printer',
    migrations: MIGRATIONS,
    missing: 'choose a Bambu Lab printer (config node)',
    ready: (printer) => printer.connection !== undefined,
    statusFor,
    start: (printer, basics) => {
      const monitor = new BambuMonitor({ ...basics, connection: printer.connection as NonNullable<typeof printer.connection> });
      // the camera belongs to the printer; it is offered while a source node follows it
      const unregisterSnapshot = printer.snapshot ? registerSnapshotProvider(printer.printer.id, printer.snapshot) : () => undefined;
      return {
        dispose: () => {
          monitor.dispose();
          unregisterSnapshot();
        },
      };
    },
  });
};
