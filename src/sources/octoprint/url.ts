import { createHash } from 'node:crypto';

/**
 * The configured OctoPrint address, normalised: http(s) only, no query or fragment, and a path
 * prefix (reverse proxy) that always ends with "/" so endpoints can be appended.
 */
export interface OctoPrintBase {
  /** e.g. "http://octopi.local:5000/octoprint/" */
  href: string;
  url: URL;
}

/** The url as an error message may show it: a user or password before "@" is left out. */
function shown(raw: string): string {
  return raw.replace(/[^\s/@]+@/g, '…@');
}

export function parseBaseUrl(raw: unknown): OctoPrintBase {
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error('url is empty: enter the OctoPrint address, e.g. http://octopi.local');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`url "${shown(raw)}" is not a valid address (expected http(s)://host[:port][/prefix])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`url "${shown(raw)}" must start with http:// or https://`);
  }
  if (url.username || url.password) throw new Error('url must not carry a user or password; the API key goes in its own field');
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { href: url.toString(), url };
}

/** An endpoint below the base, keeping the prefix: endpoint(base, "api/login"). */
export function endpoint(base: OctoPrintBase, path: string): string {
  return new URL(path.replace(/^\/+/, ''), base.href).toString();
}

/** The raw (non-SockJS) websocket: <base>/sockjs/websocket, ws:// or wss://. */
export function websocketUrl(base: OctoPrintBase): string {
  const url = new URL('sockjs/websocket', base.href);
  url.protocol = base.url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** A stable printer id derived from the configured address (case and trailing slash do not matter). */
export function printerIdFromUrl(base: OctoPrintBase): string {
  const digest = createHash('sha256').update(base.href.toLowerCase()).digest('hex');
  return `octoprint-${digest.slice(0, 12)}`;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * A webcam snapshot URL as OctoPrint stores it is often relative to the OctoPrint host
 * (http://127.0.0.1:8080/?action=snapshot on OctoPi); from another machine the host must be
 * OctoPrint's. A relative URL is resolved against the base.
 */
export function rewriteSnapshotUrl(base: OctoPrintBase, snapshot: string): string {
  const url = new URL(snapshot.trim(), base.href);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`snapshot URL "${shown(snapshot)}" must be http(s)`);
  if (LOOPBACK.has(url.hostname)) url.hostname = base.url.hostname;
  return url.toString();
}
