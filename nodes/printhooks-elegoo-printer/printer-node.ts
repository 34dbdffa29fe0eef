import type { PrinterConfigNode } from '../shared/source-node';
import type { ElegooLink } from '../../src/sources/elegoo/link';

export interface PrinterCredentials {
  accessCode?: string;
}

/** What a printhooks-elegoo-printer config node offers the source nodes that use it. */
export interface ElegooPrinterNode extends PrinterConfigNode<PrinterCredentials> {
  /** Absent when the config is unusable; `configError` then says why. */
  link?: ElegooLink;
}
