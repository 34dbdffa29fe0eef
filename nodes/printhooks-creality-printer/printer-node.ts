import type { PrinterConfigNode } from '../shared/source-node';
import type { CrealityConnection } from '../../src/sources/creality/connection';

/** What a printhooks-creality-printer config node offers the source nodes that use it. */
export interface CrealityPrinterNode extends PrinterConfigNode {
  /** Absent when the config is unusable; `configError` then says why. */
  connection?: CrealityConnection;
}
