import { MoonrakerConnection, type LinkPhase } from './connection';

export interface ProbeResult {
  ok: boolean;
  /** Moonraker's own version string when it answered. */
  version?: string;
  klippyState?: string;
  message: string;
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
    return { ok: false, message: (err as Error).message };
  }
  const result = await new Promise<ProbeResult>((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, message: `no answer from ${conn.endpoint.wsUrl} within ${timeoutMs} ms` }), timeoutMs);
    const finish = (r: ProbeResult) => {
      clearTimeout(timer);
      resolve(r);
    };
    conn.addListener({
      phase(phase: LinkPhase) {
        if (phase.phase === 'ready') {
          finish({ ok: true, version: conn.moonrakerVersion, klippyState: 'ready', message: `Moonraker ${conn.moonrakerVersion ?? '(unknown version)'}, Klippy ready` });
        } else if (phase.phase === 'klippy') {
          finish({ ok: false, version: conn.moonrakerVersion, klippyState: phase.klippyState, message: `Moonraker ${conn.moonrakerVersion ?? ''} reached, but Klippy is ${phase.klippyState}: ${phase.message}`.replace('  ', ' ') });
        } else if (phase.phase === 'failed') {
          finish({ ok: false, message: `${conn.endpoint.wsUrl}: ${phase.message}` });
        }
      },
    });
    conn.start();
  });
  await conn.stop();
  return result;
}
