import { probeFailure, type ProbeProblem, type ProbeResult } from '../probe-result';
import { networkWords, reachable, tlsFailure } from '../probe-wording';
import { PrusaLinkClient, type PrusaLinkAuth } from './client';
import { parseStatus, parseVersion, text } from './merge';
import { PrusaLinkProblem, type ProblemKind } from './problems';
import { parsePrusaLinkUrl } from './url';

const PROBLEMS: Record<ProblemKind, ProbeProblem> = {
  config: 'config',
  unreachable: 'unreachable',
  tls: 'tls',
  timeout: 'timeout',
  auth: 'auth',
  busy: 'protocol',
  http: 'protocol',
  protocol: 'protocol',
};

const FLAVOUR_NAMES = { buddy: 'PrusaLink (printer firmware)', pi: 'PrusaLink (Raspberry Pi)', unknown: 'PrusaLink' } as const;

/**
 * The editor's "Test connection": version (which PrusaLink this is), then the status with the chosen auth,
 * then the printer name. Reports the first thing that is wrong, in words naming the field, in the wording
 * every printer's test uses (src/sources/probe-wording.ts). Never throws.
 */
export async function probePrusaLink(input: { url: unknown; auth: PrusaLinkAuth | undefined; timeoutMs?: number }): Promise<ProbeResult> {
  let client: PrusaLinkClient | undefined;
  try {
    const base = parsePrusaLinkUrl(input.url);
    if (!input.auth) throw new PrusaLinkProblem('config', 'password or apiKey: give the PrusaLink password (Digest) or the API key');
    client = new PrusaLinkClient({ base, auth: input.auth, timeoutMs: input.timeoutMs ?? 5000 });
    const identity = parseVersion(await client.json('/api/version', 'version check'));
    const status = parseStatus((await client.json('/api/v1/status', 'status')) ?? {});
    const info = await client.json('/api/v1/info', 'printer info').catch(() => undefined);
    const name = text(info?.name) ?? text(info?.hostname) ?? identity.hostname;
    const state = status.state ?? 'unknown';
    const auth = client.style === 'apiKey' ? 'API key' : 'Digest';
    const notes = [name ? `named ${name}` : undefined, `${auth} login`].filter((n): n is string => n !== undefined);
    return reachable({ platform: FLAVOUR_NAMES[identity.flavour], version: identity.version, state, model: identity.model, auth: 'ok', notes });
  } catch (error) {
    if (error instanceof PrusaLinkProblem) return probeFailure(PROBLEMS[error.kind], words(error));
    return probeFailure('config', (error as Error).message);
  } finally {
    client?.dispose();
  }
}

function words(problem: PrusaLinkProblem): string {
  if (problem.kind === 'tls') return tlsFailure(problem.message);
  if (problem.kind === 'unreachable') return networkWords(problem.message);
  return problem.message;
}
