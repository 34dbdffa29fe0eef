import { NETWORK_CAUSES, shortStatus } from './status-text';

/** The shape of a Node-RED node status, without importing node-red into core. */
export interface StatusView {
  fill: 'grey' | 'green' | 'yellow' | 'red';
  shape: 'dot' | 'ring';
  text: string;
}

export { shortStatus } from './status-text';

/**
 * The status every source node shows (docs/events.md): grey ring not connected, yellow ring connecting,
 * grey dot idle printer, green dot printing with its percent, yellow dot paused, red ring a problem to fix
 * (auth, TLS, configuration, protocol). A printer that cannot be reached (switched off, not on the network
 * yet) is a yellow ring: the source keeps retrying and nothing is wrong with the flow (docs/home-assistant.md).
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
    case 'failed': {
      const text = shortStatus(detail?.message ?? 'failed');
      return { fill: isUnreachable(text) ? 'yellow' : 'red', shape: 'ring', text };
    }
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

const UNREACHABLE = new Set(Object.values(NETWORK_CAUSES));

/** Whether a short status says the printer could not be reached (a network cause first, as shortStatus writes it). */
function isUnreachable(text: string): boolean {
  return UNREACHABLE.has(text.split(':')[0]);
}
