import type { PrinterConfigNode } from '../shared/source-node';
import type { MoonrakerConnection } from '../../src/sources/moonraker/connection';

export interface ServerCredentials {
  apiKey?: string;
}

/** What a printhooks-moonraker-server config node offers the source nodes that use it. */
export interface MoonrakerServerNode extends PrinterConfigNode<ServerCredentials> {
  /** Absent when the config is unusable; `configError` then says why. */
  connection?: MoonrakerConnection;
}
