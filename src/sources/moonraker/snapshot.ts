import axios from 'axios';
import { resolveSnapshotUrl, type MoonrakerEndpoint } from './url';

export interface SnapshotOptions {
  endpoint: MoonrakerEndpoint;
  apiKey?: string;
  timeoutMs?: number;
}

/** The snapshot URL of the first enabled webcam that has one (GET /server/webcams/list), resolved. */
export async function findSnapshotUrl(options: SnapshotOptions): Promise<string | undefined> {
  const headers = options.apiKey ? { 'X-Api-Key': options.apiKey } : undefined;
  const res = await axios.get(`${options.endpoint.httpBase}/server/webcams/list`, {
    headers,
    timeout: options.timeoutMs ?? 5000,
    maxRedirects: 0,
  });
  const body = res.data as { result?: { webcams?: unknown } } | undefined;
  const webcams = Array.isArray(body?.result?.webcams) ? (body.result.webcams as Array<Record<string, unknown>>) : [];
  const cam = webcams.find((w) => w && w.enabled !== false && typeof w.snapshot_url === 'string' && w.snapshot_url !== '');
  return cam ? resolveSnapshotUrl(cam.snapshot_url as string, options.endpoint) : undefined;
}

/** JPEG bytes from the printer's first enabled webcam; rejects with a message saying what is missing. */
export async function fetchMoonrakerSnapshot(options: SnapshotOptions): Promise<Buffer> {
  const url = await findSnapshotUrl(options);
  if (!url) throw new Error('Moonraker lists no enabled webcam with a snapshot URL');
  // The API key goes only to Moonraker itself, never to a camera on another origin.
  const sameOrigin = new URL(url).origin === new URL(options.endpoint.httpBase).origin;
  const res = await axios.get(url, {
    responseType: 'arraybuffer',
    timeout: options.timeoutMs ?? 5000,
    maxRedirects: 0,
    headers: sameOrigin && options.apiKey ? { 'X-Api-Key': options.apiKey } : undefined,
  });
  return Buffer.from(res.data as ArrayBuffer);
}
