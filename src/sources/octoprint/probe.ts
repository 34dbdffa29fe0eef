import { probeFailure, type ProbeProblem, type ProbeResult } from '../probe-result';
import { OctoPrintProblem, type ProblemKind } from './problems';
import { OctoPrintRest } from './rest';
import { parseBaseUrl } from './url';

const PROBLEMS: Record<ProblemKind, ProbeProblem> = {
  config: 'config',
  unreachable: 'unreachable',
  tls: 'tls',
  timeout: 'timeout',
  rejected: 'auth',
  global_key: 'auth',
  session: 'auth',
  http: 'protocol',
  protocol: 'protocol',
};

/**
 * The editor's "Test connection": version, then a passive login (the socket needs one), then the
 * printer state. Reports the first thing that is wrong, in words. Never throws.
 */
export async function probeOctoPrint(input: { url: unknown; apiKey: unknown; allowSelfSigned?: boolean; timeoutMs?: number }): Promise<ProbeResult> {
  let rest: OctoPrintRest | undefined;
  try {
    const base = parseBaseUrl(input.url);
    if (typeof input.apiKey !== 'string' || input.apiKey.trim() === '') throw new OctoPrintProblem('config', 'API key is empty');
    rest = new OctoPrintRest({ base, apiKey: input.apiKey.trim(), allowSelfSigned: input.allowSelfSigned, timeoutMs: input.timeoutMs ?? 5_000 });
    const answer = await rest.version();
    const version = answer.server ?? answer.text ?? 'unknown';
    const login = await rest.passiveLogin();
    const state = await rest.printerState();
    let message = `Connected to OctoPrint ${version} as ${login.name}, printer: ${state}`;
    // Safe mode disables third-party plugins (e.g. layer reporting); older servers lack /api/server.
    const server = await rest.server().catch(() => undefined);
    if (typeof server?.safemode === 'string' && server.safemode !== '') {
      message += `; but OctoPrint runs in safe mode (${server.safemode}): third-party plugins are disabled`;
    }
    return { ok: true, message, version, state };
  } catch (error) {
    if (error instanceof OctoPrintProblem) return probeFailure(PROBLEMS[error.kind], error.message);
    return probeFailure('config', (error as Error).message);
  } finally {
    rest?.dispose();
  }
}
