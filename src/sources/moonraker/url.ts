/** Where a Moonraker instance lives, derived from the config node's `url` (http(s)://host:7125). */
export interface MoonrakerEndpoint {
  /** Base for HTTP calls, no trailing slash. */
  httpBase: string;
  /** The JSON-RPC websocket. */
  wsUrl: string;
  /** Host name or address without port (IPv6 in brackets), for resolving relative webcam URLs. */
  host: string;
  secure: boolean;
}

export function parseMoonrakerUrl(input: unknown): MoonrakerEndpoint {
  if (typeof input !== 'string' || input.trim() === '') throw new Error('url is required (http://host:7125)');
  let raw = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) raw = `http://${raw}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`url is not a valid URL: ${input}`);
  }
  const protocol = url.protocol.toLowerCase();
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(protocol)) throw new Error(`url must start with http:// or https://, got ${url.protocol}`);
  if (url.username || url.password) throw new Error('url must not contain credentials; put the API key in the API key field');
  const secure = protocol === 'https:' || protocol === 'wss:';
  const port = url.port ? `:${url.port}` : protocol === 'http:' || protocol === 'ws:' ? ':7125' : '';
  const path = url.pathname.replace(/\/+$/, '').replace(/\/websocket$/, '');
  const authority = `${url.hostname}${port}`;
  return {
    httpBase: `${secure ? 'https' : 'http'}://${authority}${path}`,
    wsUrl: `${secure ? 'wss' : 'ws'}://${authority}${path}/websocket`,
    host: url.hostname,
    secure,
  };
}

/**
 * A webcam snapshot_url may be absolute or a path; Moonraker resolves a path against the host on
 * port 80, not against its own port (docs/moonraker.md, "Snapshot").
 */
export function resolveSnapshotUrl(snapshotUrl: string, endpoint: MoonrakerEndpoint): string {
  if (/^https?:\/\//i.test(snapshotUrl)) return snapshotUrl;
  return new URL(snapshotUrl, `http://${endpoint.host}/`).toString();
}
