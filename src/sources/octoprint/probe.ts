import http from 'node:http';
import https from 'node:https';
import { probeFailure, type ProbeProblem, type ProbeResult } from '../probe-result';
import { networkWords, reachable, tlsFailure } from '../probe-wording';
import { OctoPrintProblem, type ProblemKind } from './problems';
import { OctoPrintRest } from './rest';
import { endpoint, parseBaseUrl, type OctoPrintBase } from './url';

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

/** Bytes read of an answer that only tells whether the server is OctoPrint. */
const IDENTIFY_LIMIT = 4096;

/** /api/version as OctoPrint answers it: `{api, server, text}`. */
function isOctoPrintVersion(answer: unknown): answer is { server: string; api: string; text?: string } {
  const v = answer as { server?: unknown; api?: unknown } | null;
  return v !== null && typeof v === 'object' && typeof v.server === 'string' && typeof v.api === 'string';
}

/**
 * Whether the server that refused the key is OctoPrint: asked /api/version without a key, OctoPrint answers
 * the version, or 401/403 with a JSON `{error}` body; any other HTTP server (a router's page, a reverse
 * proxy's login) answers something else. Never throws.
 */
function answersLikeOctoPrint(base: OctoPrintBase, rest: OctoPrintRest, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const url = endpoint(base, 'api/version');
    const client = base.url.protocol === 'https:' ? https : http;
    const agent = base.url.protocol === 'https:' ? rest.httpsAgent : rest.httpAgent;
    let settled = false;
    const done = (value: boolean) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    try {
      const req = client.get(url, { agent, timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= IDENTIFY_LIMIT) chunks.push(chunk);
          else res.destroy();
        });
        res.on('error', () => done(false));
        res.on('close', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return done(false);
          }
          const status = res.statusCode ?? 0;
          if (status === 200) return done(isOctoPrintVersion(body));
          done((status === 401 || status === 403) && body !== null && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string');
        });
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => done(false));
    } catch {
      done(false);
    }
  });
}

function notOctoPrint(base: OctoPrintBase, what: string): OctoPrintProblem {
  return new OctoPrintProblem('protocol', `not OctoPrint: ${base.url.host} ${what}; check the address and the port`);
}

/**
 * The editor's "Test connection": version (is it OctoPrint at all?), then a passive login (the socket needs
 * one), then the printer state. Reports the first thing that is wrong, in words that lead with the cause,
 * in the wording every printer's test uses (src/sources/probe-wording.ts). Never throws.
 */
export async function probeOctoPrint(input: { url: unknown; apiKey: unknown; allowSelfSigned?: boolean; timeoutMs?: number }): Promise<ProbeResult> {
  let rest: OctoPrintRest | undefined;
  const timeoutMs = input.timeoutMs ?? 5_000;
  try {
    const base = parseBaseUrl(input.url);
    if (typeof input.apiKey !== 'string' || input.apiKey.trim() === '') throw new OctoPrintProblem('config', 'API key is empty');
    rest = new OctoPrintRest({ base, apiKey: input.apiKey.trim(), allowSelfSigned: input.allowSelfSigned, timeoutMs });
    let answer: unknown;
    try {
      answer = await rest.version();
    } catch (error) {
      // a refusal means a wrong key only when the server is OctoPrint
      if (error instanceof OctoPrintProblem && error.kind === 'rejected' && !(await answersLikeOctoPrint(base, rest, timeoutMs))) {
        throw notOctoPrint(base, 'refused /api/version, and not the way OctoPrint refuses a key');
      }
      throw error;
    }
    if (!isOctoPrintVersion(answer)) throw notOctoPrint(base, 'answered /api/version, but not with OctoPrint\'s version');
    await rest.passiveLogin();
    const state = await rest.printerState();
    // Safe mode disables third-party plugins (e.g. layer reporting); older servers lack /api/server.
    const server = await rest.server().catch(() => undefined);
    const notes = typeof server?.safemode === 'string' && server.safemode !== '' ? [`but OctoPrint runs in safe mode (${server.safemode}): third-party plugins are disabled`] : [];
    return reachable({ platform: 'OctoPrint', version: answer.server, state, auth: 'ok', notes });
  } catch (error) {
    if (error instanceof OctoPrintProblem) return probeFailure(PROBLEMS[error.kind], words(error));
    return probeFailure('config', (error as Error).message);
  } finally {
    rest?.dispose();
  }
}

function words(problem: OctoPrintProblem): string {
  if (problem.kind === 'tls') {
    const cause = tlsFailure(problem.message);
    return cause.startsWith('untrusted') ? `${cause}; tick "allow self-signed" only if you trust this host` : cause;
  }
  if (problem.kind === 'unreachable') return networkWords(problem.message);
  return problem.message;
}
