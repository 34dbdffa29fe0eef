/** What went wrong, for the editor to point at the right field (config, key, TLS option). */
export type ProbeProblem = 'config' | 'unreachable' | 'tls' | 'auth' | 'protocol' | 'timeout';

/**
 * The answer of every "Test connection" route (OctoPrint, Moonraker, Bambu Lab). `message` is one
 * sentence that leads with the cause. `problem` is set on failures that have one; it is absent when
 * the link works but the printer is not ready (Moonraker: Klippy not ready, `state` says which).
 */
export interface ProbeResult {
  ok: boolean;
  message: string;
  problem?: ProbeProblem;
  /** The server's version (OctoPrint, Moonraker) or the printer's firmware (Bambu Lab). */
  version?: string;
  state?: string;
  model?: string;
  /** SHA-256 of the certificate the printer showed (Bambu Lab). */
  fingerprint?: string;
}

export function probeFailure(problem: ProbeProblem, message: string): ProbeResult {
  return { ok: false, problem, message };
}
