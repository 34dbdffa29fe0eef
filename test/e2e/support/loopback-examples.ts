/**
 * The shipped examples point at printers and targets on a LAN or the internet (192.168.1.50, octopi.local,
 * discord.com …). Tests that deploy them as they are would send traffic there, so every address a node would
 * contact is moved to 127.0.0.1 on a closed port first: the nodes start, fail to connect and keep retrying,
 * which is what a deployed example without its printer does.
 */
const CLOSED_PORT = 9;

type FlowNode = Record<string, unknown>;

function toLoopbackUrl(value: string): string {
  // only the scheme://user@host:port part changes, so a URL template keeps its {{placeholders}} as written
  const origin = /^(https?:\/\/)[^/?#]*/i.exec(value);
  if (origin) return `${origin[1]}127.0.0.1:${CLOSED_PORT}${value.slice(origin[0].length) || '/'}`;
  try {
    const url = new URL(value);
    url.hostname = '127.0.0.1';
    url.port = String(CLOSED_PORT);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return `http://127.0.0.1:${CLOSED_PORT}/`;
  }
}

export function loopbackNode<T extends FlowNode>(node: T): T {
  const out: FlowNode = { ...node };
  if (typeof out.host === 'string' && out.host !== '') {
    out.host = '127.0.0.1';
    if (out.port !== undefined) out.port = CLOSED_PORT;
  }
  for (const field of ['url', 'snapshotUrl', 'tokenUrl']) {
    const value = out[field];
    if (typeof value === 'string' && /^\w+:\/\//.test(value)) out[field] = toLoopbackUrl(value);
  }
  return out as T;
}

/** Every node of a flow with its addresses on 127.0.0.1 (see above). */
export function loopbackFlow<T extends FlowNode>(flow: T[]): T[] {
  return flow.map(loopbackNode);
}
