import { DESTINATION_POLICIES, isDestinationPolicy, type DestinationPolicy } from './destination-policy';
import { PROXY_MODES, type ProxyMode } from './proxy-settings';
import { checkTlsMaterial, tlsMaterial } from './tls-options';

/**
 * How an endpoint is reached (docs/delivery.md, "Reaching guarded targets"): authentication, TLS
 * material, proxy, HTTPS-only and the destination policy. Parsed beside the basic fields of
 * endpoint-config.ts; every error names its field and never repeats a credential.
 */
export const ENDPOINT_AUTHS = ['none', 'bearer', 'basic', 'oauth2'] as const;
export type EndpointAuth = (typeof ENDPOINT_AUTHS)[number];
export const OAUTH2_CLIENT_AUTHS = ['basic', 'body'] as const;

export interface EndpointAccess {
  auth: EndpointAuth;
  oauth2?: { tokenUrl: string; scope?: string; audience?: string; clientAuth: 'basic' | 'body' };
  proxy: { mode: ProxyMode; url?: string; noProxy?: string };
  httpsOnly: boolean;
  destinations: DestinationPolicy;
}

/** The endpoint's credentials (Node-RED credentials, never in the flow file). */
export interface AccessCredentials {
  token?: string;
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  ca?: string;
  cert?: string;
  key?: string;
  proxyUsername?: string;
  proxyPassword?: string;
}

export interface RawEndpointAccess {
  auth?: unknown;
  tokenUrl?: unknown;
  scope?: unknown;
  audience?: unknown;
  clientAuth?: unknown;
  proxyMode?: unknown;
  proxy?: unknown;
  noProxy?: unknown;
  httpsOnly?: unknown;
  destinations?: unknown;
}

/** Credentials that must be one line (PEM text may have many). */
export const ONE_LINE_CREDENTIALS = ['token', 'username', 'password', 'clientId', 'clientSecret', 'proxyUsername', 'proxyPassword'] as const;

/** The auth an endpoint saved before `auth` existed had: a token wins over basic auth, as it did then. */
export function authFromCredentials(has: { token?: boolean; username?: boolean }): EndpointAuth {
  if (has.token) return 'bearer';
  if (has.username) return 'basic';
  return 'none';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

/** An http(s) url without user info, or the error naming `field`. */
function urlError(field: string, value: string, httpsOnly: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `${field} is not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${field} must be http:// or https://, not ${parsed.protocol}`;
  if (parsed.username || parsed.password) return `${field} must not contain a user name or password: put them in the endpoint's credentials`;
  if (httpsOnly && parsed.protocol === 'http:') return `${field} is http:// but the endpoint is HTTPS-only`;
  return undefined;
}

export function parseEndpointAccess(raw: RawEndpointAccess, creds: AccessCredentials | undefined, url: string): { access?: EndpointAccess; errors: string[] } {
  const errors: string[] = [];
  const c = creds ?? {};
  for (const field of ONE_LINE_CREDENTIALS) {
    const value = c[field];
    if (typeof value === 'string' && /[\r\n]/.test(value)) errors.push(`${field} contains a line break: paste it again on one line`);
  }
  const httpsOnly = flag(raw.httpsOnly);
  if (httpsOnly && url !== '' && /^http:/i.test(url)) errors.push('url is http:// but the endpoint is HTTPS-only');

  const auth = raw.auth === undefined || raw.auth === null || raw.auth === '' ? authFromCredentials({ token: !!c.token, username: !!c.username }) : raw.auth;
  let oauth2: EndpointAccess['oauth2'];
  if (!(ENDPOINT_AUTHS as readonly unknown[]).includes(auth)) {
    errors.push(`auth "${String(raw.auth)}" is not one of ${ENDPOINT_AUTHS.join(', ')}`);
  } else if (auth === 'bearer' && !c.token) {
    errors.push('auth is bearer but the token is empty');
  } else if (auth === 'basic' && !c.username) {
    errors.push('auth is basic but the username is empty');
  } else if (auth === 'oauth2') {
    const tokenUrl = text(raw.tokenUrl);
    if (tokenUrl === '') errors.push('tokenUrl is empty (OAuth2 needs the token endpoint)');
    else {
      const bad = urlError('tokenUrl', tokenUrl, httpsOnly);
      if (bad) errors.push(bad);
    }
    if (!c.clientId) errors.push('OAuth2 needs the client id');
    if (!c.clientSecret) errors.push('OAuth2 needs the client secret');
    const clientAuth = raw.clientAuth === 'body' ? 'body' : 'basic';
    oauth2 = { tokenUrl, clientAuth };
    if (text(raw.scope)) oauth2.scope = text(raw.scope);
    if (text(raw.audience)) oauth2.audience = text(raw.audience);
  }

  const proxyMode = raw.proxyMode === undefined || raw.proxyMode === null || raw.proxyMode === '' ? 'env' : raw.proxyMode;
  const proxy: EndpointAccess['proxy'] = { mode: 'env' };
  if (!(PROXY_MODES as readonly unknown[]).includes(proxyMode)) errors.push(`proxyMode "${String(raw.proxyMode)}" is not one of ${PROXY_MODES.join(', ')}`);
  else proxy.mode = proxyMode as ProxyMode;
  if (proxy.mode === 'url') {
    const proxyUrl = text(raw.proxy);
    if (proxyUrl === '') errors.push('proxy is empty (set the proxy url, or take the proxy from the environment)');
    else {
      const bad = urlError('proxy', proxyUrl, false);
      if (bad) errors.push(bad);
      proxy.url = proxyUrl;
    }
    if (text(raw.noProxy)) proxy.noProxy = text(raw.noProxy);
  }

  const destinations = raw.destinations === undefined || raw.destinations === null || raw.destinations === '' ? 'default' : raw.destinations;
  if (!isDestinationPolicy(destinations)) errors.push(`destinations "${String(raw.destinations)}" is not one of ${DESTINATION_POLICIES.join(', ')}`);

  errors.push(...checkTlsMaterial(tlsMaterial(c)));
  if (errors.length) return { errors };
  return { errors, access: { auth: auth as EndpointAuth, ...(oauth2 ? { oauth2 } : {}), proxy, httpsOnly, destinations: destinations as DestinationPolicy } };
}
