import { probeFailure, type ProbeProblem, type ProbeResult } from '../probe-result';
import { MoonrakerConnection, type LinkPhase } from './connection';

/** Which field a connection failure points at, from its message (connection.ts words them). */
function problemOf(message: string): ProbeProblem {
  if (/unauthori[sz]ed|forbidden|\b401\b|\b403\b|api key/i.test(message)) return 'auth';
  if (/certificate|ssl|tls|EPROTO/i.test(message)) return 'tls';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNRESET/.test(message)) return 'unreachable';
  if (/timeout|timed out|ETIMEDOUT/i.test(message)) return 'timeout';
  return 'protocol';
}

/**
 * "Test connection": connect, identify, ask server.info (and printer.info when Klippy is not ready),
 * and say exactly what works or what is wrong. Never throws.
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
        const moonraker = `Moonraker ${version ?? '(unknown version)'}`;
        if (phase.phase === 'ready') {
          finish({ ok: true, version, state: 'ready', message: `${moonraker}, Klippy ready` });
        } else if (phase.phase === 'klippy') {
          finish({ ok: false, version, state: phase.klippyState, message: `Klippy is ${phase.klippyState}: ${phase.message} (${moonraker} reached)` });
        } else if (phase.phase === 'failed') {
          finish(probeFailure(problemOf(phase.message), `${phase.message} (${conn.endpoint.wsUrl})`));
        }
      },
    });
    conn.start();
  });
  await conn.stop();
  return result;
}
