import { OctoPrintProblem, type ProblemKind } from './problems';
import { OctoPrintRest } from './rest';
import { parseBaseUrl } from './url';

export type ProbeResult =
  | { ok: true; version: string; state: string; user: string; warning?: string }
  | { ok: false; kind: ProblemKind; error: string };

/**
 * The editor's "Test connection": version, then a passive login (the socket needs one), then the
 * printer state. Reports the first thing that is wrong, in words.
 */
export async function probeOctoPrint(input: { url: unknown; apiKey: unknown; allowSelfSigned?: boolean; timeoutMs?: number }): Promise<ProbeResult> {
  let rest: OctoPrintRest | undefined;
  try {
    const base = parseBaseUrl(input.url);
    if (typeof input.apiKey !== 'string' || input.apiKey.trim() === '') throw new OctoPrintProblem('config', 'API key is empty');
    rest = new OctoPrintRest({ base, apiKey: input.apiKey.trim(), allowSelfSigned: input.allowSelfSigned, timeoutMs: input.timeoutMs ?? 5_000 });
    const version = await rest.version();
    const login = await rest.passiveLogin();
    const state = await rest.printerState();
    const result: ProbeResult = { ok: true, version: version.server ?? version.text ?? 'unknown', state, user: login.name };
    // Safe mode disables third-party plugins (e.g. layer reporting); older servers lack /api/server.
    const server = await rest.server().catch(() => undefined);
    if (typeof server?.safemode === 'string' && server.safemode !== '') {
      result.warning = `OctoPrint runs in safe mode (${server.safemode}): third-party plugins are disabled`;
    }
    return result;
  } catch (error) {
    if (error instanceof OctoPrintProblem) return { ok: false, kind: error.kind, error: error.message };
    return { ok: false, kind: 'config', error: (error as Error).message };
  } finally {
    rest?.dispose();
  }
}
