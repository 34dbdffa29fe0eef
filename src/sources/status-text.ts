/** Network error codes as a person reads them; the code's target (host, address) follows. */
export const NETWORK_CAUSES: Record<string, string> = {
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** "printhooks-signer configuration: no secret…" → "no secret…": the node's name is already on the node. */
const NODE_PREFIX = /^printhooks-[\w-]+(?: configuration| error)?:\s*/;

/**
 * A node status text that leads with the cause (docs/home-assistant.md, Status texts): the node's own name and
 * a Node.js syscall name are dropped, a network error code becomes words, only the first sentence is
 * kept, and a text still longer than `max` is cut at a word, so the status stays short.
 */
export function shortStatus(message: string, max = 48): string {
  let text = message.trim().replace(NODE_PREFIX, '');
  // the target stops at a bracket or separator: "unreachable (ECONNREFUSED)" has none (as in probe-wording.ts)
  const network = /\b(E[A-Z_]+)\b\s*([^\s,;)]*)/.exec(text);
  const cause = network ? NETWORK_CAUSES[network[1]] : undefined;
  if (network && cause) text = network[2] ? `${cause}: ${network[2]}` : cause;
  text = text.split(/(?<=[^.\s]{2})\.\s+(?=[A-Z])/)[0];
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}
