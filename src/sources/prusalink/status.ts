import { sourceStatus, type StatusView } from '../status';
import type { LinkPhase } from './connection';

export type { StatusView } from '../status';

/** The shared source status; a failure shows its short cause ("username or password rejected", "unreachable (…)"). */
export function statusFor(phase: LinkPhase, job?: { state?: string; progress?: number }): StatusView {
  if (phase.phase === 'failed') return { fill: 'red', shape: 'ring', text: phase.short };
  return sourceStatus(phase.phase, { job });
}
