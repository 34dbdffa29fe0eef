import { OctoPrintProblem } from './problems';
import type { OctoPrintRest } from './rest';
import { endpoint, rewriteSnapshotUrl, type OctoPrintBase } from './url';

export interface SnapshotOptions {
  /** A configured snapshot URL; empty = OctoPrint's own /downloads/camera/current (1.10+). */
  snapshotUrl?: string;
  timeoutMs?: number;
  maxBytes?: number;
}

export const SNAPSHOT_TIMEOUT_MS = 5_000;
export const SNAPSHOT_MAX_BYTES = 5 * 1024 * 1024;

/** Where the webcam image comes from: the configured URL (loopback host rewritten) or OctoPrint's endpoint. */
export function snapshotSource(base: OctoPrintBase, snapshotUrl?: string): string {
  return snapshotUrl && snapshotUrl.trim() !== '' ? rewriteSnapshotUrl(base, snapshotUrl) : endpoint(base, 'downloads/camera/current');
}

/** A snapshot provider for the core registry: the current webcam image as JPEG bytes. */
export function createSnapshotProvider(rest: OctoPrintRest, base: OctoPrintBase, options: SnapshotOptions = {}): () => Promise<Buffer> {
  const source = snapshotSource(base, options.snapshotUrl);
  return async () => {
    const { data } = await rest.bytes(source, {
      timeoutMs: options.timeoutMs ?? SNAPSHOT_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? SNAPSHOT_MAX_BYTES,
    });
    if (data.length < 3 || data[0] !== 0xff || data[1] !== 0xd8) {
      throw new OctoPrintProblem('protocol', 'snapshot is not a JPEG image');
    }
    return data;
  };
}
