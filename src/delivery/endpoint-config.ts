import { parseEndpointAccess, type AccessCredentials, type EndpointAccess, type EndpointAuth, type RawEndpointAccess } from './endpoint-access';

/** The endpoint config node's settings, checked (docs/delivery.md). */
export interface EndpointConfig {
  url: string;
  method: string;
  timeoutMs: number;
  allowOverride: boolean;
  tlsInsecure: boolean;
  /** Auth, TLS material, proxy, HTTPS-only, destination policy (endpoint-access.ts). */
  access: EndpointAccess;
}

export type EndpointCredentials = AccessCredentials;

export interface RawEndpointConfig extends RawEndpointAccess {
  url?: unknown;
  method?: unknown;
  timeout?: unknown;
  allowOverride?: unknown;
  tlsInsecure?: unknown;
}

export const ENDPOINT_METHODS = ['POST', 'PUT', 'PATCH'] as const;

/** A URL as it may appear in a message: any `user:password@` part is hidden. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#@\s]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}…@`);
}

/**
 * Parses the node's fields; the errors name the field and never repeat a credential. An empty url is
 * allowed when msg.url may override. Credentials, when given, are checked too (a pasted line break).
 */
export function parseEndpointConfig(raw: RawEndpointConfig, creds?: EndpointCredentials): { config?: EndpointConfig; errors: string[] } {
  const errors: string[] = [];
  const url = typeof raw.url === 'string' ? raw.url.trim() : '';
  const allowOverride = raw.allowOverride === true || raw.allowOverride === 'true';
  if (url === '') {
    if (!allowOverride) errors.push('url is empty (set it, or allow msg.url to override)');
  } else {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') errors.push(`url must be http:// or https://, not ${parsed.protocol}`);
      if (parsed.username || parsed.password) errors.push('url must not contain a user name or password: put them in the endpoint\'s username and password (kept as credentials)');
    } catch {
      errors.push(`url "${redactUrl(url)}" is not a valid URL`);
    }
  }
  const method = typeof raw.method === 'string' && raw.method !== '' ? raw.method.toUpperCase() : 'POST';
  if (!(ENDPOINT_METHODS as readonly string[]).includes(method)) errors.push(`method "${String(raw.method)}" is not one of ${ENDPOINT_METHODS.join(', ')}`);
  const timeoutS = raw.timeout === undefined || raw.timeout === '' ? 15 : Number(raw.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 600) errors.push(`timeout "${String(raw.timeout)}" must be seconds between 0 and 600`);
  const access = parseEndpointAccess(raw, creds, url);
  errors.push(...access.errors);
  if (errors.length || !access.access) return { errors };
  return {
    errors,
    config: { url, method, timeoutMs: Math.round(timeoutS * 1000), allowOverride, tlsInsecure: raw.tlsInsecure === true || raw.tlsInsecure === 'true', access: access.access },
  };
}

/**
 * Authorization from the credentials for the endpoint's `auth`; without one (an endpoint saved before
 * `auth` existed) a bearer token wins over basic auth. OAuth2 adds its token per attempt instead.
 */
export function authHeaders(creds: EndpointCredentials | undefined, auth?: EndpointAuth): Record<string, string> {
  if (auth === 'none' || auth === 'oauth2') return {};
  if (creds?.token && auth !== 'basic') return { authorization: `Bearer ${creds.token}` };
  if (creds?.username && auth !== 'bearer') {
    return { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`, 'utf8').toString('base64')}` };
  }
  return {};
}
