import type { NodeAPI } from 'node-red';
import { PrusaLinkMonitor } from '../../src/sources/prusalink/monitor';
import { statusFor } from '../../src/sources/prusalink/status';
import { registerSourceNode } from '../shared/source-node';
import type { PrusaLinkPrinterNode } from '../printhooks-prusalink-printer/printer-node';
import { MIGRATIONS } from './migrations';

/** The prusalink source node: a monitor over its printer config node's shared link (nodes/shared/source-node.ts). */
export = function (RED: NodeAPI) {
  registerSourceNode<PrusaLinkPrinterNode, Parameters<typeof statusFor>>(RED, 'printhooks-prusalink', {
    configField: 'printer',
    migrations: MIGRATIONS,
    missing: 'choose a PrusaLink printer (config node)',
    ready: (printer) => printer.connection !== undefined,
    statusFor,
    start: (printer, basics) =>
      new PrusaLinkMonitor({ ...basics, connection: printer.connection as NonNullable<typeof printer.connection> }),
  });
};
