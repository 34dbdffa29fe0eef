import type { PrinterConfigNode } from '../shared/source-node';
import type { BambuConnection } from '../../src/sources/bambu/connection';

export interface PrinterCredentials {
  accessCode?: string;
}

/** What a printhooks-bambu-printer config node offers the source nodes that use it. */
export interface BambuPrinterNode extends PrinterConfigNode<PrinterCredentials> {
  /** Absent when the config is unusable; `configError` then says why. */
  connection?: BambuConnection;
  snapshot?: () => Promise<Buffer>;
}
