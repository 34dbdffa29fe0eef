import type { OutboxEntry } from './outbox-entry';
import { DiskProblem, OutboxWriteError, diskProblemOf } from './outbox-disk-problem';
import type { OutboxIo } from './outbox-io';

/** One record waiting for the next group commit; `entry` is set for an ENQUEUE. */
interface PendingWrite {
  frame: Buffer;
  entry?: OutboxEntry;
  resolve: () => void;
  reject: (e: Error) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface GroupCommitOptions {
  io: OutboxIo;
  file: string;
  /** Least gap between two flushes, ms. */
  commitGapMs: number;
  /** Wait after a failed write before trying again, ms. */
  faultRetryMs: number;
  fsync: boolean;
  /** ENQUEUE records just written: the outbox may now drop their cached bodies. */
  onWritten: (entries: OutboxEntry[]) => void;
  /** An ENQUEUE whose write failed: its msg is refused, the outbox forgets the entry. */
  onRefused: (entry: OutboxEntry) => void;
  /** The disk problem began (a problem) or ended (undefined). */
  onProblem: (problem: DiskProblem | undefined) => void;
  /** After a flush that left nothing pending (compaction runs here). */
  onIdle: () => void;
}

/**
 * The outbox's writer (docs/delivery.md, "Outbox" and "Disk faults"). Records are buffered and written
 * + fdatasynced together at most every `commitGapMs`. Records are written at explicit positions, so a
 * failed batch is undone by cutting the file back to where it began:
 * - its ENQUEUE records are refused (their msgs get done(err)) only once that cut has succeeded, so a
 *   refused msg never survives on disk to be delivered after a restart;
 * - its UPDATE/DONE records go back in front of the queue and are tried again after `faultRetryMs`,
 *   so a disk that fills up never stalls the deliveries already accepted.
 * Every later batch tries the disk again: when space returns, everything resumes by itself.
 */
export class GroupCommit {
  /** Bytes of the log on disk. */
  size: number;
  private pending: PendingWrite[] = [];
  private pendingBytes = 0;
  private syncWaiters: Waiter[] = [];
  /** Refused ENQUEUEs whose bytes may still be in the file: answered once the file is cut back. */
  private heldRefusals: Array<{ write: PendingWrite; error: Error }> = [];
  private cutNeeded = false;
  private needsFsync = false;
  /** Bytes written since the last fsync. */
  private dirty = false;
  private flushing = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private lastCommit = 0;
  private retryAt = 0;
  private closed = false;
  private currentProblem: DiskProblem | undefined;

  constructor(private fd: number, size: number, private readonly options: GroupCommitOptions) {
    this.size = size;
  }

  /** Logical end of the log: written bytes plus those waiting. */
  get end(): number {
    return this.size + this.pendingBytes;
  }

  get problem(): DiskProblem | undefined {
    return this.currentProblem;
  }

  /** Nothing waiting and nothing being written (a compaction may swap the file now). */
  get idle(): boolean {
    return !this.flushing && this.pending.length === 0 && !this.cutNeeded;
  }

  /** After a compaction replaced the file. */
  replaceFile(fd: number, size: number): void {
    this.fd = fd;
    this.size = size;
  }

  /** Queues a record; an ENQUEUE (`entry` set) forces an fsync and gets its offset when written. */
  write(frame: Buffer, entry?: OutboxEntry): Promise<void> {
    if (entry) this.needsFsync = true;
    return new Promise((resolve, reject) => {
      this.pending.push({ frame, entry, resolve, reject });
      this.pendingBytes += frame.length;
      this.scheduleFlush();
    });
  }

  /** Resolves once everything written so far is on disk. */
  sync(): Promise<void> {
    if (this.closed || (this.pending.length === 0 && !this.flushing && !this.dirty && !this.cutNeeded)) return Promise.resolve();
    this.needsFsync = true;
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * One last sync, then no more writes. Records still unwritten are given up (an UPDATE/DONE lost this
   * way costs a repeated attempt or a duplicate after restart, never a msg); the error says so.
   */
  async close(): Promise<Error | undefined> {
    let error: Error | undefined;
    try {
      await this.sync();
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    const left = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const write of left) write.reject(new Error(`the outbox closed before this record could be written (${this.currentProblem?.summary ?? 'closing'})`));
    if (left.length && !error) error = new Error(`${left.length} outbox records could not be written before closing`);
    if (this.heldRefusals.length) {
      // neither accepted nor refused: their bytes may be whole in a file that could not be cut back
      const held = this.heldRefusals.length;
      this.heldRefusals = [];
      error = new Error(`${error ? `${error.message}; ` : ''}${held} msgs stay unanswered: their records may be on disk and be delivered after a restart`);
    }
    return error;
  }

  private scheduleFlush(): void {
    if (this.flushing || this.flushTimer || this.closed) return;
    const wait = Math.max(0, this.lastCommit + this.options.commitGapMs - Date.now(), this.retryAt - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, wait);
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    const batch = this.pending;
    const syncWaiters = this.syncWaiters;
    const fsyncNow = this.needsFsync;
    this.pending = [];
    this.pendingBytes = 0;
    this.syncWaiters = [];
    this.needsFsync = false;
    let wrote = false;
    const start = this.size;
    try {
      if (this.cutNeeded) await this.cutBack();
      wrote = true;
      let position = this.size;
      for (const write of batch) {
        if (write.entry) write.entry.offset = position;
        position += write.frame.length;
      }
      if (batch.length) {
        await this.options.io.writeBuffers(this.fd, batch.map((w) => w.frame), this.size);
        this.size = position;
        this.dirty = true;
      }
      if (fsyncNow && this.dirty) {
        if (this.options.fsync) await this.options.io.fdatasync(this.fd);
        this.dirty = false;
      }
      this.lastCommit = Date.now();
      this.setProblem(undefined);
      this.options.onWritten(batch.flatMap((w) => (w.entry ? [w.entry] : [])));
      for (const write of batch) write.resolve();
      for (const waiter of syncWaiters) waiter.resolve();
    } catch (e) {
      // the batch counts for nothing, also when only its fsync failed: the file goes back to where it began
      this.size = start;
      await this.failed(e, batch, syncWaiters, wrote);
    } finally {
      this.flushing = false;
    }
    if (this.pending.length === 0 && !this.cutNeeded) this.options.onIdle();
    if (this.pending.length || this.syncWaiters.length || this.cutNeeded) this.scheduleFlush();
  }

  /** A batch failed: undo what part of it reached the file, refuse its msgs, keep its state records. */
  private async failed(e: unknown, batch: PendingWrite[], syncWaiters: Waiter[], wrote: boolean): Promise<void> {
    const problem = diskProblemOf(e);
    const error = new OutboxWriteError(problem, this.options.file, e);
    this.setProblem(problem);
    this.retryAt = Date.now() + this.options.faultRetryMs;
    if (wrote) {
      this.cutNeeded = true;
      try {
        await this.cutBack();
      } catch {
        // the file could not be cut back either: refusals wait until it can (see heldRefusals)
      }
    }
    const state: PendingWrite[] = [];
    for (const write of batch) {
      if (!write.entry) {
        state.push(write);
        continue;
      }
      this.options.onRefused(write.entry);
      if (wrote && this.cutNeeded) this.heldRefusals.push({ write, error });
      else write.reject(error);
    }
    this.pending = [...state, ...this.pending];
    this.pendingBytes += state.reduce((n, w) => n + w.frame.length, 0);
    for (const waiter of syncWaiters) waiter.reject(error);
  }

  /** Cuts the file back to its last good end and makes that durable; then the held refusals are safe. */
  private async cutBack(): Promise<void> {
    await this.options.io.truncate(this.fd, this.size);
    if (this.options.fsync) await this.options.io.fdatasync(this.fd);
    this.dirty = false;
    this.cutNeeded = false;
    const held = this.heldRefusals;
    this.heldRefusals = [];
    for (const { write, error } of held) write.reject(error);
  }

  private setProblem(problem: DiskProblem | undefined): void {
    const was = this.currentProblem;
    this.currentProblem = problem;
    if (was?.summary !== problem?.summary) this.options.onProblem(problem);
  }
}
