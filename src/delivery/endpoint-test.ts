import { formsOf, scrubForms } from '../secrets/credential-forms';
import type { ProbeProblem, ProbeResult } from '../sources/probe-result';
import { refusalOf, resolveChecked, urlHost } from './destination-policy';
import { EndpointClient, type EndpointClientOptions } from './endpoint-client';
import type { EndpointConfig, EndpointCredentials } from './endpoint-config';
import { proxyFor } from './proxy-settings';
import { credentialsOfAttempt } from './scrub-result';

/** The endpoint's Test answer: the shared ProbeResult, plus what the request showed. */
export interface EndpointTestResult extends ProbeResult {
  /** HTTP status of the test request. */
  status?: number;
  durationMs?: number;
  /** `accepted`: configured auth got no 401/403; `refused`: it did; `none`: no auth configured. */
  auth?: 'accepted' | 'refused' | 'none';
  /** Where the url's host resolves (direct connections only). */
  addresses?: string[];
}

export interface EndpointTestOptions extends Omit<EndpointClientOptions, 'owner'> {
  /** Send this body with the endpoint's method (a `test` event the user confirmed) instead of a HEAD. */
  event?: { id: string; body: Buffer };
}

function failed(problem: ProbeProblem, message: string, extra: Partial<EndpointTestResult> = {}): EndpointTestResult {
  return { ok: false, problem, message, ...extra };
}

function problemOfError(error: string): ProbeProblem {
  if (error.startsWith('TLS:')) return 'tls';
  if (/^OAuth2|OAuth2 token/.test(error)) return 'auth';
  return 'unreachable';
}

/**
 * The endpoint dialog's Test (docs/delivery.md, "Test"): where the host resolves and whether the
 * destination policy would let a msg.url go there, the proxy in between, the OAuth2 token fetch,
 * then one harmless request (HEAD, or the confirmed `test` event) with the endpoint's auth. The
 * answer names the cause in words and shows the target's origin only (a webhook path or query can
 * itself be a secret); every credential is blanked out of it.
 */
export async function testEndpoint(config: EndpointConfig, creds: EndpointCredentials, options: EndpointTestOptions = {}): Promise<EndpointTestResult> {
  if (config.url === '') return failed('config', 'The url is empty: msgs bring their own msg.url, so there is nothing to test');
  const client = new EndpointClient(config, creds, { ...options, owner: `printhooks-endpoint-test:${Math.random().toString(36).slice(2)}` });
  try {
    const result = await run(client, config, options);
    const forms = formsOf([...client.knownSecrets(), ...credentialsOfAttempt(client.authHeaders, undefined), creds.clientId ?? ''].filter((v) => v !== ''));
    return { ...result, message: scrubForms(result.message, forms) };
  } finally {
    client.close();
  }
}

async function run(client: EndpointClient, config: EndpointConfig, options: EndpointTestOptions): Promise<EndpointTestResult> {
  const url = new URL(config.url);
  const where = url.origin;
  const notes: string[] = [];
  let addresses: string[] | undefined;
  let proxy;
  try {
    proxy = proxyFor(url, client.transport.options.proxy ?? { mode: 'none' }, options.env);
  } catch (e) {
    return failed('config', e instanceof Error ? e.message : String(e));
  }
  if (proxy) {
    notes.push(`via proxy ${proxy.url.host} (${proxy.source})`);
  } else {
    try {
      addresses = await resolveChecked(urlHost(url.href), 'any', options.lookup);
    } catch (e) {
      const code = (e as { code?: string }).code;
      return failed('unreachable', code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `Host not found: ${url.hostname}` : `${url.hostname} could not be resolved: ${code ?? (e as Error).message}`);
    }
    const refused = addresses.map((a) => refusalOf(a, config.access.destinations)).find((w) => w);
    if (refused) notes.push(`a msg.url to this host would be refused by the destination policy (${refused})`);
  }
  if (client.oauth2) {
    try {
      const token = await client.oauth2.token();
      notes.push(`OAuth2 token fetched in ${Math.round(token.fetchedInMs)} ms${token.expiresAt ? `, valid ${Math.round((token.expiresAt - (options.now ?? Date.now)()) / 1000)} s` : ''}`);
    } catch (e) {
      return failed('auth', e instanceof Error ? e.message : String(e), { addresses });
    }
  }
  const event = options.event;
  const request = event
    ? { method: config.method, url: config.url, headers: { 'content-type': 'application/json', 'webhook-id': event.id, ...client.authHeaders }, body: event.body }
    : { method: 'HEAD', url: config.url, headers: { ...client.authHeaders }, body: Buffer.alloc(0) };
  const result = await client.send(request);
  const hasAuth = Object.keys(client.authHeaders).length > 0 || !!client.oauth2;
  const sent = event ? `the test event (${config.method})` : 'HEAD';
  const tail = notes.length ? ` · ${notes.join(' · ')}` : '';
  if (result.kind === 'timeout') return failed('timeout', `No answer from ${where} within ${config.timeoutMs} ms${tail}`, { addresses });
  if (result.kind === 'refused') return failed('config', `${result.error}${tail}`, { addresses });
  if (result.kind === 'network') return failed(problemOfError(result.error), `${where} could not be reached: ${result.error}${tail}`, { addresses });
  const durationMs = Math.round(result.durationMs);
  const base = { status: result.status, durationMs, addresses };
  if (result.status === 401 || result.status === 403) {
    const why = hasAuth ? 'the target refused the credentials' : 'the target wants authentication: set it under Authentication';
    return failed('auth', `${where} answered HTTP ${result.status} to ${sent} in ${durationMs} ms: ${why}${tail}`, { ...base, auth: hasAuth ? 'refused' : 'none' });
  }
  const auth = hasAuth ? 'accepted' : 'none';
  // a HEAD the target does not serve (405) may be answered before any auth check
  const authText = !hasAuth ? '' : event && result.status < 300 ? ' · auth accepted' : ' · auth not refused';
  if (result.status >= 500) return failed('protocol', `${where} answered HTTP ${result.status} to ${sent} in ${durationMs} ms (a server error)${authText}${tail}`, { ...base, auth });
  return { ok: true, message: `Reached ${where}: HTTP ${result.status} to ${sent} in ${durationMs} ms${authText}${tail}`, ...base, auth };
}
