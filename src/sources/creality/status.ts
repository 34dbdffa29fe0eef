import { sourceStatus, type StatusView } from '../status';
import type { LinkPhase } from './connection';

export type { StatusView } from '../status';

export function statusFor(phase: LinkPhase, job?: { state?: string; progress?: number }): StatusView {
  return sourceStatus(phase.phase, { message: phase.phase === 'failed' ? phase.message : undefined, job });
}
