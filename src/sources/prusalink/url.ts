import { createHash } from 'node:crypto';

/** Where a PrusaLink lives, from the config node's `url` (http(s)://host[:port]). */
export interface PrusaLinkBase {
  /** Origin without a trailing slash, e.g. "http://192.168.1.20" or "http://octopi.local:8080". */
  origin: string;
  url: URL;
}

/** The url as an error message may show it: a user or password before "@" is left out. */
function shown(raw: string): string {
  return raw.replace(/[^\s/@]+@/g, '…@');
}

/**
 * Checks and normalises the configured address. A bare host means http:// on port 80 (the firmware's
 * port; the Raspberry Pi PrusaLink listens on 8080 unless redirected, so it is named in the address).
 */
export function parsePrusaLinkUrl(input: unknown): PrusaLinkBase {
  if (typeof input !== 'string' || input.trim() === '') throw new Error('url is empty: enter the printer address, e.g. http://192.168.1.20');
  let raw = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) raw = `http://${raw}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`url "${shown(input)}" is not a valid address (expected http(s)://host[:port])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`url "${shown(input)}" must start with http:// or https://`);
  if (url.username || url.password) throw new Error('url must not carry a user or password; put them in the username and password fields');
  if (url.pathname !== '/' && url.pathname !== '') throw new Error(`url "${shown(input)}" must not have a path: PrusaLink answers at the root (http(s)://host[:port])`);
  return { origin: url.origin, url: new URL(url.origin) };
}

/** An API path on the printer: endpoint(base, "/api/v1/status"). */
export function endpoint(base: PrusaLinkBase, path: string): string {
  return `${base.origin}${path.startsWith('/') ? path : `/${path}`}`;
}

/** A stable printer id derived from the normalised address, so event ids survive redeploys and re-imports. */
export function printerIdFromUrl(base: PrusaLinkBase): string {
  return `prusalink-${createHash('sha256').update(base.origin.toLowerCase()).digest('hex').slice(0, 12)}`;
}
