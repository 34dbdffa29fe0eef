import type { NodeAPI } from 'node-red';
import { CrealityMonitor } from '../../src/sources/creality/monitor';
import { statusFor } from '../../src/sources/creality/status';
import { registerSourceNode } from '../shared/source-node';
import type { CrealityPrinterNode } from '../printhooks-creality-printer/printer-node';
import { MIGRATIONS } from './migrations';

/** The creality source node: a monitor over its printer config node's shared link (nodes/shared/source-node.ts). */
export = function (RED: NodeAPI) {
  registerSourceNode<CrealityPrinterNode, Parameters<typeof statusFor>>(RED, 'printhooks-creality', {
    configField: 'printer',
    migrations: MIGRATIONS,
    missing: 'choose a Creality printer (config node)',
    ready: (printer) => printer.connection !== undefined,
    statusFor,
    start: (printer, basics) =>
      new CrealityMonitor({ ...basics, connection: printer.connection as NonNullable<typeof printer.connection> }),
  });
};
