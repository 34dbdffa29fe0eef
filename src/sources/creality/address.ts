/** Where a Creality printer's port-9999 websocket is, from the config node's `host` and `port`. */
export interface CrealityAddress {
  host: string;
  port: number;
  /** The websocket: Creality Print opens ws://<ip>:9999 with no path (docs/creality.md, "Connection"). */
  wsUrl: string;
}

export const DEFAULT_PORT = 9999;

/** Reads and checks `host` and `port`; throws an Error naming the field and the fix. */
export function parseCrealityAddress(host: unknown, port: unknown): CrealityAddress {
  let name = typeof host === 'string' ? host.trim() : '';
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (!name || /[\s/?#@]/.test(name) || /^[a-z][a-z0-9+.-]*:\/\//i.test(name)) {
    throw new Error('host: give the printer\'s IP address or host name only (no ws:// and no path)');
  }
  if (/^[^:]+:\d+$/.test(name)) throw new Error('host: put the port in the port field, not after the host');
  const number = port === undefined || port === null || port === '' ? DEFAULT_PORT : Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    throw new Error(`port: "${String(port)}" must be 1-65535 (the printer listens on ${DEFAULT_PORT})`);
  }
  const authority = name.includes(':') ? `[${name}]` : name;
  return { host: name, port: number, wsUrl: `ws://${authority}:${number}/` };
}
