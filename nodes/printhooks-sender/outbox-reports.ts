import type { NodeStatus } from 'node-red';
import type { Outbox } from '../../src/delivery/outbox';
import { diskProblemOf } from '../../src/delivery/outbox-disk-problem';
import { OutboxOwnedError } from '../../src/delivery/outbox-lock';
import { statusText } from '../shared/errors';

/** The warnings a sender logs after its outbox was recovered at deploy (docs/delivery.md, "Integrity"). */
export function recoveryWarnings(outbox: Outbox): string[] {
  const report = outbox.recovery;
  const lines: string[] = [];
  const skipped = report.skipped;
  if (skipped) {
    const where = skipped.quarantine
      ? `set aside in ${skipped.quarantine}${skipped.rewriteError ? ` (still in the log too: it could not be rewritten, ${skipped.rewriteError})` : ''}`
      : `left in the log because they could not be copied aside (${skipped.quarantineError})`;
    lines.push(
      `outbox: damaged records found in ${outbox.file}: ${skipped.recordsAfter} records after the damage were recovered, ` +
        `${skipped.bytes} damaged bytes (${skipped.ranges} ${skipped.ranges === 1 ? 'run' : 'runs'}) ${where}; msgs whose records were damaged are not delivered`,
    );
  }
  if (report.tornBytes) lines.push(`outbox: dropped a torn last record (${report.tornBytes} bytes) left by a crash`);
  if (report.movedAside) lines.push(`outbox: ${outbox.file} was not readable and was moved to ${report.movedAside}`);
  return lines;
}

/**
 * Why the outbox could not be opened, as the error to log, a status that leads with the cause, and whether
 * to try again (a disk problem may clear; a duplicate id needs the user).
 */
export function openFailure(nodeId: string, dir: string, e: unknown): { message: string; status: NodeStatus; retry: boolean } {
  if (e instanceof OutboxOwnedError) {
    const cause = e.holder.pid === process.pid ? `duplicate id ${nodeId}` : `outbox used by pid ${e.holder.pid}`;
    return {
      message: `printhooks-sender: ${e.message}; this node accepts no msgs`,
      status: { fill: 'red', shape: 'ring', text: statusText(`${cause}: not accepting`) },
      retry: false,
    };
  }
  const problem = diskProblemOf(e);
  const detail = e instanceof Error ? e.message : String(e);
  return {
    message: `printhooks-sender: ${problem.summary}: cannot open the outbox in ${dir} (${detail}); ${problem.fix}`,
    status: { fill: 'red', shape: 'ring', text: statusText(`${problem.summary}: not accepting`) },
    retry: true,
  };
}
