import { sourceStatus, type StatusView } from '../status';
import type { LinkPhase } from './connection';

export type { StatusView } from '../status';

/** What the status line needs besides the link phase: the serial link and the followed job. */
export interface StatusInput {
  /** Whether OctoPrint is connected to the printer, when known. */
  linked?: boolean;
  state?: string;
  progress?: number;
}

/** The shared source status, plus OctoPrint's own "printer disconnected" (socket up, serial link down). */
export function statusFor(phase: LinkPhase, view: StatusInput = {}): StatusView {
  if (phase.phase === 'failed') return { fill: 'red', shape: 'ring', text: phase.short };
  if (phase.phase === 'ready' && view.linked === false) return { fill: 'grey', shape: 'ring', text: 'printer disconnected' };
  return sourceStatus(phase.phase, { job: view });
}
