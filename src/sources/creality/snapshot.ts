import axios from 'axios';

export interface SnapshotOptions {
  host: string;
  /** The K1 family's camera streamer (default 8080). */
  port?: number;
  timeoutMs?: number;
}

const MAX_SNAPSHOT_BYTES = 10 * 1024 * 1024;

/** The still-image URL of the camera streamer on K1-family printers (docs/creality.md, "Camera"). */
export function snapshotUrl(options: SnapshotOptions): string {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return `http://${host}:${options.port ?? 8080}/?action=snapshot`;
}

function isJpeg(bytes: Buffer): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8;
}

/** JPEG bytes from the printer's camera; rejects with a message saying what is missing. */
export async function fetchCrealitySnapshot(options: SnapshotOptions): Promise<Buffer> {
  const url = snapshotUrl(options);
  let res;
  try {
    res = await axios.get(url, { responseType: 'arraybuffer', timeout: options.timeoutMs ?? 5000, maxRedirects: 0, maxContentLength: MAX_SNAPSHOT_BYTES });
  } catch (err) {
    throw new Error(`no camera snapshot at ${url} (${(err as Error).message}); K2-series cameras use WebRTC and offer none`);
  }
  const bytes = Buffer.from(res.data as ArrayBuffer);
  if (!isJpeg(bytes)) throw new Error(`the camera at ${url} did not answer with a JPEG image`);
  return bytes;
}
