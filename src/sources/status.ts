import { shortStatus } from './status-text';

/** The shape of a Node-RED node status, without importing node-red into core. */
export interface StatusView {
  fill: 'grey' | 'green' | 'yellow' | 'red';
  shape: 'dot' | 'ring';
  text: string;
}

export { shortStatus } from './status-text';

/**
 * The status every source node shows (docs/events.md): grey ring not connected, yellow ring connecting,
 * grey dot idle printer, green dot printing with its percent, yellow dot paused, red ring a problem.
 */
export function sourceStatus(
  phase: 'idle' | 'connecting' | 'ready' | 'failed',
  detail?: { message?: string; job?: { state?: string; progress?: number } },
): StatusView {
  switch (phase) {
    case 'idle':
      return { fill: 'grey', shape: 'ring', text: 'idle' };
    case 'connecting':
      return { fill: 'yellow', shape: 'ring', text: 'connecting' };
    case 'failed':
      return { fill: 'red', shape: 'ring', text: shortStatus(detail?.message ?? 'failed') };
    case 'ready': {
      const job = detail?.job;
      if (job?.state === 'printing' || job?.state === 'paused') {
        const pct = job.progress !== undefined ? ` ${Math.floor(job.progress)}%` : '';
        return { fill: job.state === 'printing' ? 'green' : 'yellow', shape: 'dot', text: `${job.state}${pct}` };
      }
      return { fill: 'grey', shape: 'dot', text: 'idle' };
    }
  }
}
