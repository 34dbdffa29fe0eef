import * as fs from 'fs';
import * as path from 'path';
import { buildFrame, encodeFrame, readFrame } from './frame';
import { compactLog } from './outbox-compaction';
import type { OutboxEntry } from './outbox-entry';
import { fdatasync, writeBuffers } from './outbox-io';
import {
  RECORD_DONE,
  RECORD_ENQUEUE,
  RECORD_UPDATE,
  StoredRequest,
  decodeEnqueue,
  encodeDone,
  encodeUpdate,
  enqueueWriter,
} from './outbox-record';
import { RecoveryReport, recoverLog } from './outbox-recovery';

export type { OutboxEntry } from './outbox-entry';
export type { RecoveryReport } from './outbox-recovery';

const LOG_NAME = 'outbox.log';

export interface OutboxOptions {
  /** Bodies of at most this many entries stay in memory; the rest are read back from disk when sent. */
  cacheEntries?: number;
  /** …and at most this many bytes of records. */
  cacheBytes?: number;
  /** Least gap between two fsyncs (group commit window), ms. */
  commitGapMs?: number;
  /** Compact once the file is this big and at least half of it is dead records. */
  compactMinBytes?: number;
  /** false skips fsync (benchmarks of the fsync cost only). */
  fsync?: boolean;
}

/**
 * Durable, append-only outbox log. Every change (enqueue, attempt update, done) is a checksummed
 * record appended to one file; appends are written and fsynced in groups (group commit), so a burst
 * costs one fsync per batch rather than one per msg. At open the log is replayed; a torn last record
 * is cut off. When most of the file is dead records it is rewritten with only the live ones
 * (write to a temp file, fsync, rename, fsync the directory).
 */
export class Outbox {
  readonly file: string;
  readonly recovery: RecoveryReport;
  private fd: number;
  private size: number;
  /** Logical end of the log: written bytes plus those waiting for the next group commit. */
  private end: number;
  private liveBytes = 0;
  private nextSeq = 1;
  private readonly map: Map<number, OutboxEntry>;
  private cachedCount = 0;
  private cachedBytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  /** Something pending must be fsynced (an enqueue, or an explicit sync/close). */
  private needsFsync = false;
  /** Bytes written since the last fsync. */
  private dirty = false;
  private written: OutboxEntry[] = [];
  private flushing = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private lastCommit = 0;
  private closed = false;
  private failure: Error | undefined;
  private readonly cacheEntries: number;
  private readonly cacheBytes: number;
  private readonly commitGapMs: number;
  private readonly compactMinBytes: number;
  private readonly doFsync: boolean;

  constructor(readonly dir: string, options: OutboxOptions = {}) {
    this.cacheEntries = options.cacheEntries ?? 10000;
    this.cacheBytes = options.cacheBytes ?? 8 * 1024 * 1024;
    this.commitGapMs = options.commitGapMs ?? 5;
    this.compactMinBytes = options.compactMinBytes ?? 8 * 1024 * 1024;
    this.doFsync = options.fsync ?? true;
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, LOG_NAME);
    const opened = recoverLog(this.file, dir, { entries: this.cacheEntries, bytes: this.cacheBytes }, this.doFsync);
    this.fd = opened.fd;
    this.size = opened.size;
    this.end = opened.size;
    this.recovery = opened.report;
    this.map = opened.log.entries;
    this.nextSeq = opened.log.nextSeq;
    this.cachedCount = opened.log.cachedCount;
    this.cachedBytes = opened.log.cachedBytes;
    for (const entry of this.map.values()) this.liveBytes += entry.length;
  }

  get count(): number {
    return this.map.size;
  }

  get fileBytes(): number {
    return this.end;
  }

  /** Entries in enqueue order. */
  entries(): IterableIterator<OutboxEntry> {
    return this.map.values();
  }

  get(seq: number): OutboxEntry | undefined {
    return this.map.get(seq);
  }

  /** Appends a new webhook; resolves once it is on disk. The entry is usable at once. */
  append(req: StoredRequest, nextAt: number): { entry: OutboxEntry; durable: Promise<void> } {
    this.assertOpen();
    const seq = this.nextSeq++;
    const body = enqueueWriter(seq, nextAt, 0, req);
    const frame = buildFrame(RECORD_ENQUEUE, body.length, body.fill);
    const entry: OutboxEntry = { seq, attempts: 0, nextAt, dead: false, offset: this.end, length: frame.length, cached: req };
    this.cachedCount += 1;
    this.cachedBytes += frame.length;
    this.map.set(seq, entry);
    this.liveBytes += frame.length;
    this.written.push(entry);
    return { entry, durable: this.write(frame, true) };
  }

  /** Records a changed attempt count / next time / dead state. */
  update(entry: OutboxEntry): Promise<void> {
    this.assertOpen();
    const frame = encodeFrame(RECORD_UPDATE, encodeUpdate(entry));
    return this.write(frame, false);
  }

  /** Removes a delivered (or discarded) entry. */
  complete(entry: OutboxEntry): Promise<void> {
    this.assertOpen();
    if (!this.map.delete(entry.seq)) return Promise.resolve();
    this.liveBytes -= entry.length;
    if (entry.cached) this.uncache(entry);
    return this.write(encodeFrame(RECORD_DONE, encodeDone(entry.seq)), false);
  }

  /** The stored request of an entry, from memory or read back from the log. */
  read(entry: OutboxEntry): StoredRequest {
    if (entry.cached) return entry.cached;
    this.assertOpen();
    const buf = Buffer.allocUnsafe(entry.length);
    const got = fs.readSync(this.fd, buf, 0, entry.length, entry.offset);
    const frame = readFrame(buf.subarray(0, got), 0);
    if (frame.kind !== 'frame' || frame.type !== RECORD_ENQUEUE) {
      throw new Error(`outbox record ${entry.seq} is unreadable at offset ${entry.offset}`);
    }
    return decodeEnqueue(frame.body).req;
  }

  /** Flushes what is pending and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    fs.closeSync(this.fd);
  }

  /** Resolves once everything appended so far is on disk. */
  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.pending.length === 0 && !this.flushing && !this.dirty) return Promise.resolve();
    this.needsFsync = true;
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.scheduleFlush();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('outbox is closed');
    if (this.failure) throw this.failure;
  }

  /**
   * Queues a record for the next group commit. Only enqueues (and explicit syncs) force an fsync:
   * updates and completions are written at once (so a process crash keeps them) but ride on the next
   * fsync, since losing one to a power cut only means a retry or a duplicate, never a lost msg.
   * That keeps fsyncs (SD-card wear) proportional to incoming msgs, not to deliveries.
   */
  private write(frame: Buffer, durable: boolean): Promise<void> {
    if (durable) this.needsFsync = true;
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    this.end += frame.length;
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushing || this.flushTimer) return;
    const wait = Math.max(0, this.lastCommit + this.commitGapMs - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, wait);
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    const buffers = this.pending;
    const waiters = this.waiters;
    const fsyncNow = this.needsFsync;
    this.needsFsync = false;
    const written = this.written;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.waiters = [];
    this.written = [];
    this.pendingBytes = 0;
    try {
      if (buffers.length) {
        await writeBuffers(this.fd, buffers, this.size);
        this.size += bytes;
        this.dirty = true;
      }
      if (fsyncNow && this.dirty) {
        if (this.doFsync) await fdatasync(this.fd);
        this.dirty = false;
      }
      this.lastCommit = Date.now();
      for (const entry of written) this.uncacheIfOver(entry);
      for (const waiter of waiters) waiter.resolve();
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      for (const waiter of waiters) waiter.reject(this.failure);
    } finally {
      this.flushing = false;
    }
    if (!this.failure) this.maybeCompact();
    if (this.pending.length || this.waiters.length) this.scheduleFlush();
  }

  private uncacheIfOver(entry: OutboxEntry): void {
    if (entry.cached && (this.cachedCount > this.cacheEntries || this.cachedBytes > this.cacheBytes) && this.map.has(entry.seq)) {
      this.uncache(entry);
    }
  }

  private uncache(entry: OutboxEntry): void {
    entry.cached = undefined;
    this.cachedCount -= 1;
    this.cachedBytes -= entry.length;
  }

  /** Rewrites the log with only live records when dead ones dominate. Runs between flushes. */
  private maybeCompact(): void {
    if (this.pending.length || this.closed) return;
    if (this.size < this.compactMinBytes || this.liveBytes * 2 > this.size) return;
    this.compact();
  }

  /** Exposed for tests and for a clean shutdown. */
  compact(): void {
    if (this.flushing || this.pending.length) throw new Error('compact while writes are pending');
    const compacted = compactLog(this.file, this.dir, this.map.values(), (entry) => this.read(entry), this.doFsync);
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'r+');
    this.size = compacted.size;
    this.end = compacted.size;
    this.liveBytes = 0;
    for (const entry of this.map.values()) {
      const place = compacted.places.get(entry.seq)!;
      entry.offset = place.offset;
      entry.length = place.length;
      this.liveBytes += place.length;
    }
  }
}
