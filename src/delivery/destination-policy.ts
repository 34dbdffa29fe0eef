import * as dns from 'node:dns';
import { BlockList, isIP, type LookupFunction, type Socket } from 'node:net';

/**
 * Where a URL that comes from a msg may send to (docs/delivery.md, "Destination policy"):
 * - `default`: everything but link-local and cloud-metadata addresses; private LAN and loopback stay
 *   allowed (Home Assistant on the LAN is the common target);
 * - `public`: also no loopback, private, unique-local, carrier-grade NAT or unspecified addresses;
 * - `any`: no check.
 * The endpoint's own url is the admin's choice and is never checked (a printer on a link-local address).
 */
export const DESTINATION_POLICIES = ['default', 'public', 'any'] as const;
export type DestinationPolicy = (typeof DESTINATION_POLICIES)[number];

/** The v4 forms of 169.254/16 also appear inside v6 (mapped, NAT64, IPv4-compatible, 6to4). */
function withV4Forms(list: BlockList, v4: string, bits: number): void {
  list.addSubnet(v4, bits, 'ipv4');
  const [a, b, c, d] = v4.split('.').map(Number);
  const hi = ((a << 8) | b).toString(16);
  const lo = ((c << 8) | d).toString(16);
  for (const prefix of ['::ffff:', '64:ff9b::', '::']) list.addSubnet(`${prefix}${hi}:${lo}`, 96 + bits, 'ipv6');
  list.addSubnet(`2002:${hi}:${lo}::`, 16 + bits, 'ipv6');
}

const METADATA = new BlockList();
// link-local, where AWS, GCP, Azure and OCI serve instance metadata (169.254.169.254, ECS 169.254.170.2)
withV4Forms(METADATA, '169.254.0.0', 16);
// Alibaba Cloud's metadata service
withV4Forms(METADATA, '100.100.100.200', 32);
METADATA.addAddress('fd00:ec2::254', 'ipv6');
METADATA.addSubnet('fe80::', 10, 'ipv6');

const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['192.0.0.0', 24], ['198.18.0.0', 15]] as const) {
  withV4Forms(NOT_PUBLIC, net, bits);
}
NOT_PUBLIC.addAddress('::', 'ipv6');
NOT_PUBLIC.addAddress('::1', 'ipv6');
NOT_PUBLIC.addSubnet('fc00::', 7, 'ipv6');

export function isDestinationPolicy(value: unknown): value is DestinationPolicy {
  return typeof value === 'string' && (DESTINATION_POLICIES as readonly string[]).includes(value);
}

/** Why `address` (an IP literal, as the URL parser or DNS gives it) is refused, or undefined when allowed. */
export function refusalOf(address: string, policy: DestinationPolicy): string | undefined {
  if (policy === 'any') return undefined;
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (METADATA.check(bare, type)) return `${bare} is a link-local or cloud-metadata address`;
  if (policy === 'public' && NOT_PUBLIC.check(bare, type)) return `${bare} is a loopback or private-network address and the destination policy allows public addresses only`;
  return undefined;
}

/** Raised (as a network error with code EDESTINATION) when the policy refuses where a URL leads. */
export class DestinationRefused extends Error {
  readonly code = 'EDESTINATION';
  constructor(host: string, why: string) {
    super(`destination refused: ${host} — ${why} (the endpoint's destination policy)`);
  }
}

/**
 * The URL's host, as the WHATWG parser writes it: every decimal, hex, octal or short spelling of an
 * IPv4 address becomes dotted decimal (`http://2852039166/` → 169.254.169.254), v6 loses its brackets.
 */
export function urlHost(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/** A refusal for the URL's host when it is an address literal (no DNS needed), else undefined. */
export function literalRefusal(url: string, policy: DestinationPolicy): DestinationRefused | undefined {
  const host = urlHost(url);
  const why = refusalOf(host, policy);
  return why ? new DestinationRefused(host, why) : undefined;
}

type LookupAll = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

/**
 * A `lookup` for net.connect that resolves as usual and refuses the host when any of its addresses
 * is refused (a name that answers with a metadata address beside a public one is not trusted).
 */
export function guardedLookup(policy: DestinationPolicy, resolve: LookupAll = dns.lookup as LookupAll): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const why = refusalOf(a.address, policy);
        if (why) return callback(new DestinationRefused(hostname, why), '', 0);
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`host not found: ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) (callback as unknown as (e: null, all: dns.LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** Resolves `host` with the guarded lookup: the addresses, or a DestinationRefused / DNS error. */
export function resolveChecked(host: string, policy: DestinationPolicy, resolve?: LookupAll): Promise<string[]> {
  return new Promise((ok, fail) => {
    const bare = host.replace(/^\[|\]$/g, '');
    if (isIP(bare)) {
      const why = refusalOf(bare, policy);
      return why ? fail(new DestinationRefused(bare, why)) : ok([bare]);
    }
    guardedLookup(policy, resolve)(bare, { all: true }, ((err: Error | null, addresses: dns.LookupAddress[]) => {
      if (err) fail(err);
      else ok(addresses.map((a) => a.address));
    }) as unknown as Parameters<LookupFunction>[2]);
  });
}

/**
 * The check again on connect: the address the socket really reached (an IP literal skips the
 * lookup, and a resolver may hand back more than it was asked). A refused socket is destroyed with
 * the refusal, so the request fails with it before a byte is sent.
 */
export function guardOnConnect(socket: Socket, policy: DestinationPolicy, host: string): void {
  if (policy === 'any') return;
  const check = (): void => {
    const address = socket.remoteAddress;
    const why = address ? refusalOf(address, policy) : undefined;
    if (why) socket.destroy(new DestinationRefused(host, why));
  };
  if (socket.remoteAddress && !socket.connecting) check();
  else socket.once('connect', check);
}
