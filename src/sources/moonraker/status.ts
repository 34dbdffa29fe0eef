import { shortStatus, sourceStatus, type StatusView } from '../status';
import type { LinkPhase } from './connection';

export type { StatusView } from '../status';

/** The shared source status, plus Klippy's own states (starting, shutdown, error). */
export function statusFor(phase: LinkPhase, job?: { state?: string; progress?: number }): StatusView {
  if (phase.phase === 'klippy') {
    if (phase.klippyState === 'startup') return { fill: 'yellow', shape: 'ring', text: 'klippy starting' };
    return { fill: 'red', shape: 'ring', text: shortStatus(`klippy ${phase.klippyState}: ${phase.message}`) };
  }
  return sourceStatus(phase.phase, { message: phase.phase === 'failed' ? phase.message : undefined, job });
}
