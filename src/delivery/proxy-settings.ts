import { isIP } from 'node:net';

/** How an endpoint reaches the network: `env` (HTTP_PROXY/HTTPS_PROXY/NO_PROXY), `url` (its own proxy), `none` (direct). */
export const PROXY_MODES = ['env', 'url', 'none'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

export interface ProxySettings {
  mode: ProxyMode;
  /** The endpoint's proxy (`url` mode): http:// or https://, no user info (that is in the credentials). */
  url?: string;
  /** Hosts that go direct in `url` mode, in NO_PROXY syntax. */
  noProxy?: string;
  username?: string;
  password?: string;
}

/** A proxy to use for one target. */
export interface ProxyChoice {
  url: URL;
  /** `Proxy-Authorization` value, when the proxy has credentials. */
  authorization?: string;
  /** Where the choice came from, for messages: `HTTPS_PROXY`, `the endpoint's proxy` … */
  source: string;
}

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): { value: string; name: string } | undefined {
  for (const n of [name.toLowerCase(), name.toUpperCase()]) {
    const v = env[n];
    if (typeof v === 'string' && v.trim() !== '') return { value: v.trim(), name: n };
  }
  return undefined;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** IPv4 CIDR match, for NO_PROXY entries such as 10.0.0.0/8. */
function inCidr(host: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(host) !== 4 || isIP(net) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const n = (a: string) => a.split('.').reduce((acc, p) => (acc << 8) + Number(p), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (n(host) & mask) === (n(net) & mask);
}

/**
 * Whether `target` goes direct under a NO_PROXY list: `*`; a host name, matching itself and its
 * subdomains (`example.com`, `.example.com`); an IP address or IPv4 CIDR; each optionally with
 * `:port`. Names compare case-insensitively; `localhost` and `127.0.0.1` are plain entries (nothing
 * is bypassed unless listed).
 */
export function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const port = target.port || defaultPort(target.protocol);
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (v6) {
      entry = v6[1];
      entryPort = v6[2];
    } else if (isIP(entry) !== 6) {
      const m = /^(.*):(\d+)$/.exec(entry);
      if (m) {
        entry = m[1];
        entryPort = m[2];
      }
    }
    if (entryPort && entryPort !== port) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    entry = entry.replace(/^\*?\./, '').replace(/\.$/, '');
    if (host === entry || (!isIP(host) && host.endsWith(`.${entry}`))) return true;
  }
  return false;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** The proxy for `target`, or undefined to go direct. Throws on an unusable proxy URL (named, without its user info). */
export function proxyFor(target: URL, settings: ProxySettings, env: Env = process.env): ProxyChoice | undefined {
  if (settings.mode === 'none') return undefined;
  let text: string | undefined;
  let source: string;
  let noProxy: string | undefined;
  if (settings.mode === 'url') {
    text = settings.url;
    source = "the endpoint's proxy";
    noProxy = settings.noProxy;
  } else {
    const found = target.protocol === 'https:' ? envValue(env, 'https_proxy') : envValue(env, 'http_proxy');
    text = found?.value;
    source = found?.name ?? 'HTTP_PROXY';
    noProxy = envValue(env, 'no_proxy')?.value;
  }
  if (!text) return undefined;
  if (bypassesProxy(target, noProxy)) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new Error(`${source} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${source} must be http:// or https://, not ${url.protocol}`);
  const choice: ProxyChoice = { url, source };
  if (settings.mode === 'url' && settings.username) choice.authorization = basic(settings.username, settings.password ?? '');
  else if (url.username) choice.authorization = basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
  url.username = '';
  url.password = '';
  return choice;
}
