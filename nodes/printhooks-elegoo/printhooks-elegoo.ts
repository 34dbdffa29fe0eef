import type { NodeAPI } from 'node-red';
import { ElegooMonitor } from '../../src/sources/elegoo/monitor';
import { statusFor } from '../../src/sources/elegoo/status';
import { registerSourceNode } from '../shared/source-node';
import type { ElegooPrinterNode } from '../printhooks-elegoo-printer/printer-node';
import { MIGRATIONS } from './migrations';

/** The elegoo source node: a monitor over its printer config node's shared link (nodes/shared/source-node.ts). */
export = function (RED: NodeAPI) {
  registerSourceNode<ElegooPrinterNode, Parameters<typeof statusFor>>(RED, 'printhooks-elegoo', {
    configField: 'printer',
    migrations: MIGRATIONS,
    missing: 'choose an Elegoo printer (config node)',
    ready: (printer) => printer.link !== undefined,
    statusFor,
    start: (printer, basics) =>
      new ElegooMonitor({ ...basics, link: printer.link as NonNullable<typeof printer.link> }),
  });
};
