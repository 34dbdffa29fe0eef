import { probeFailure, type ProbeProblem, type ProbeResult } from '../probe-result';
import { reachable, unreachableWords } from '../probe-wording';
import { stateCode, stateLabel } from './codes';
import { CrealityConnection, type LinkPhase } from './connection';
import type { CrealityState } from './merge';

/** Which field a connection failure points at, from its message (connection.ts words them). */
function problemOf(message: string): ProbeProblem {
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNRESET/.test(message)) return 'unreachable';
  if (/timeout|timed out|ETIMEDOUT/i.test(message)) return 'timeout';
  return 'protocol';
}

const MOONRAKER_HINT = 'K2-series and rooted K1 printers that run Moonraker can use the Moonraker source instead';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && value.length <= 64 ? value.trim() : undefined;
}

function summary(state: CrealityState): ProbeResult {
  const model = text(state.model);
  const version = text(state.modelVersion);
  const label = stateLabel(stateCode(state.state));
  // the stock firmware's port-9999 websocket has no credentials
  return reachable({ platform: model ? `Creality ${model}` : 'Creality printer (model not reported)', version, firmware: true, state: label, model, auth: 'none' });
}

/** "Test connection": open the port-9999 websocket, wait for the first status and say what it shows. Never throws. */
export async function probeCreality(host: unknown, port: unknown, timeoutMs = 8000): Promise<ProbeResult> {
  let conn: CrealityConnection;
  try {
    conn = new CrealityConnection({ host: host as string, port: port as string, backoff: { baseMs: 60_000 }, probeAfterMs: Math.min(2000, timeoutMs), deadAfterMs: timeoutMs * 2, handshakeTimeoutMs: timeoutMs });
  } catch (err) {
    return probeFailure('config', (err as Error).message);
  }
  const result = await new Promise<ProbeResult>((resolve) => {
    const timer = setTimeout(() => {
      resolve(conn.isOpen
        ? probeFailure('protocol', `${conn.address.wsUrl} accepted the websocket but sent no printer status within ${timeoutMs} ms: is this a Creality K-series printer on stock firmware?`)
        : probeFailure('timeout', `No answer from ${conn.address.wsUrl} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (r: ProbeResult) => {
      clearTimeout(timer);
      resolve(r);
    };
    conn.addListener({
      phase(phase: LinkPhase) {
        if (phase.phase !== 'failed') return;
        const problem = problemOf(phase.message);
        const hint = problem === 'unreachable' || problem === 'protocol' ? `; ${MOONRAKER_HINT}` : '';
        const where = conn.address.wsUrl;
        finish(probeFailure(problem, `${problem === 'unreachable' ? unreachableWords(phase.message, where) : `${phase.message} (${where})`}${hint}`));
      },
      baseline: (state) => finish(summary({ ...state })),
      report: () => undefined,
      down: () => undefined,
    });
    conn.start();
  });
  await conn.stop();
  return result;
}
