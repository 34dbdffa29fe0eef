import type { PrinterConfigNode } from '../shared/source-node';
import type { PrusaLinkConnection } from '../../src/sources/prusalink/connection';

export interface PrinterCredentials {
  username?: string;
  password?: string;
  apiKey?: string;
}

/** What a printhooks-prusalink-printer config node offers the source nodes that use it. */
export interface PrusaLinkPrinterNode extends PrinterConfigNode<PrinterCredentials> {
  /** Absent when the config is unusable; `configError` then says why. */
  connection?: PrusaLinkConnection;
}
