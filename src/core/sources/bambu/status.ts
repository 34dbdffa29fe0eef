import type { LinkPhase } from './connection';

/** The shape of a Node-RED node status, without importing node-red into core. */
export interface StatusView {
  fill: 'grey' | 'green' | 'yellow' | 'red';
  shape: 'dot' | 'ring';
  text: string;
}

function short(message: string, max = 32): string {
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}

/** Grey idle, yellow ring connecting, green ok (with the job), red ring problem. */
export function statusFor(phase: LinkPhase, job?: { state?: string; progress?: number }): StatusView {
  switch (phase.phase) {
    case 'idle':
      return { fill: 'grey', shape: 'dot', text: 'idle' };
    case 'connecting':
      return { fill: 'yellow', shape: 'ring', text: 'connecting' };
    case 'failed':
      return { fill: 'red', shape: 'ring', text: short(phase.message) };
    case 'ready':
      if (job?.state === 'printing' || job?.state === 'paused') {
        const pct = job.progress !== undefined ? ` ${Math.floor(job.progress)}%` : '';
        return { fill: 'green', shape: 'dot', text: `${job.state}${pct}` };
      }
      return { fill: 'green', shape: 'dot', text: 'ready' };
  }
}
