import { probeFailure, type ProbeProblem, type ProbeResult } from '../probe-result';
import { networkWords, reachable, reachableWords, tlsFailure } from '../probe-wording';
import { MoonrakerConnection, type LinkPhase } from './connection';

/** Which field a connection failure points at, from its message (connection.ts words them). */
function problemOf(message: string): ProbeProblem {
  if (/unauthori[sz]ed|forbidden|\b401\b|\b403\b|api key/i.test(message)) return 'auth';
  if (/certificate|ssl|tls|EPROTO/i.test(message)) return 'tls';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNRESET/.test(message)) return 'unreachable';
  if (/timeout|timed out|ETIMEDOUT/i.test(message)) return 'timeout';
  return 'protocol';
}

/** A failed link in words that lead with the cause: a TLS problem or a network code in words, else as connection.ts put it. */
function failureWords(problem: ProbeProblem, message: string): string {
  if (problem === 'tls') return tlsFailure(message);
  if (problem === 'unreachable') return networkWords(message);
  return message;
}

/**
 * "Test connection": connect, identify, ask server.info (and printer.info when Klippy is not ready),
 * and say exactly what works or what is wrong, in the wording every printer's test uses
 * (src/sources/probe-wording.ts). Never throws.
 */
export async function probeMoonraker(url: string, apiKey: string | undefined, timeoutMs = 8000): Promise<ProbeResult> {
  let conn: MoonrakerConnection;
  try {
    conn = new MoonrakerConnection({ url, apiKey, klippyRetryMs: 60_000, requestTimeoutMs: timeoutMs, backoff: { baseMs: 60_000 } });
  } catch (err) {
    return probeFailure('config', (err as Error).message);
  }
  const result = await new Promise<ProbeResult>((resolve) => {
    const timer = setTimeout(() => resolve(probeFailure('timeout', `No answer from ${conn.endpoint.wsUrl} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (r: ProbeResult) => {
      clearTimeout(timer);
      resolve(r);
    };
    conn.addListener({
      phase(phase: LinkPhase) {
        const version = conn.moonrakerVersion;
        // a Moonraker without an API key trusts this client by address: nothing was checked
        const facts = { platform: 'Moonraker', version, auth: apiKey ? 'ok' : 'none' } as const;
        if (phase.phase === 'ready') {
          finish(reachable({ ...facts, state: 'ready' }));
        } else if (phase.phase === 'klippy') {
          // reached, but the printer is not ready: the cause first, then what works
          finish({ ok: false, version, state: phase.klippyState, message: `Klippy is ${phase.klippyState}: ${phase.message} (${reachableWords({ ...facts, state: phase.klippyState })})` });
        } else if (phase.phase === 'failed') {
          const problem = problemOf(phase.message);
          finish(probeFailure(problem, `${failureWords(problem, phase.message)} (${conn.endpoint.wsUrl})`));
        }
      },
    });
    conn.start();
  });
  await conn.stop();
  return result;
}
