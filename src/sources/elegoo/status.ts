import { shortStatus, sourceStatus, type StatusView } from '../status';
import type { LinkPhase } from './link';

export type { StatusView } from '../status';

/** The shared source status, plus the printer's client limit shown as such (a yellow ring, not an error). */
export function statusFor(phase: LinkPhase, job?: { state?: string; progress?: number }): StatusView {
  if (phase.phase === 'busy') return { fill: 'yellow', shape: 'ring', text: shortStatus('too many clients: retrying') };
  return sourceStatus(phase.phase, { message: phase.phase === 'failed' ? phase.message : undefined, job });
}
