/** A failed write of the outbox, said plainly: what is wrong, and what frees it (docs/delivery.md, "Disk faults"). */
export interface DiskProblem {
  /** Short words for the status: "disk full", "disk read-only", … */
  summary: string;
  /** The errno code, when the error had one. */
  code?: string;
  /** What the user can do about it. */
  fix: string;
}

const PROBLEMS: Record<string, { summary: string; fix: string }> = {
  ENOSPC: { summary: 'disk full', fix: 'free space on that disk; the sender resumes by itself' },
  EDQUOT: { summary: 'disk quota used up', fix: 'raise the quota or free space; the sender resumes by itself' },
  EROFS: { summary: 'disk read-only', fix: 'make the file system writable again (or set printhooks.sender.outboxDir in settings.js)' },
  EACCES: { summary: 'outbox not writable', fix: 'give the Node-RED user write permission on the outbox folder' },
  EPERM: { summary: 'outbox not writable', fix: 'give the Node-RED user write permission on the outbox folder' },
  EIO: { summary: 'disk I/O error', fix: 'check the disk (dmesg); the sender keeps retrying' },
};

export function diskProblemOf(e: unknown): DiskProblem {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const known = code ? PROBLEMS[code] : undefined;
  if (known) return { ...known, code };
  return { summary: code ? `disk error (${code})` : 'disk error', ...(code ? { code } : {}), fix: 'check the disk; the sender keeps retrying' };
}

/** The error a msg gets when its record could not be stored. */
export class OutboxWriteError extends Error {
  constructor(readonly problem: DiskProblem, file: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${problem.summary} writing ${file} (${detail}): the msg was not stored; ${problem.fix}`);
    this.name = 'OutboxWriteError';
  }
}
