import * as fs from 'fs';
import * as path from 'path';
import { buildFrame, encodeFrame, readFrame } from './frame';
import { GroupCommit } from './outbox-commit';
import { compactLog } from './outbox-compaction';
import type { DiskProblem } from './outbox-disk-problem';
import type { OutboxEntry } from './outbox-entry';
import { OutboxIo, fileIo } from './outbox-io';
import { OutboxLock, lockOutbox } from './outbox-lock';
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
import { setAsideDamage } from './outbox-quarantine';
import { factsOf, newEntry } from './outbox-scheduling';
import { RecoveryReport, recoverLog } from './outbox-recovery';

/** An entry's record read back from the log does not decode: damaged on disk since the start (not an I/O error). */
export class DamagedRecordError extends Error {
  constructor(readonly entry: OutboxEntry, cause: unknown) {
    super(`outbox record ${entry.seq} is damaged at offset ${entry.offset}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DamagedRecordError';
  }
}

export type { OutboxEntry } from './outbox-entry';
export type { RecoveryReport } from './outbox-recovery';
export type { DiskProblem } from './outbox-disk-problem';

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
  /** Who owns the outbox (the sender's node id), named when a second owner is refused. */
  owner?: string;
  /** Wait after a failed write before the disk is tried again, ms (default 1000). */
  faultRetryMs?: number;
  /** The file operations of the group commit (a seam for disk-fault tests). */
  io?: OutboxIo;
  /** Called when a disk problem begins (with it) and when it ends (undefined). */
  onDiskProblem?: (problem: DiskProblem | undefined) => void;
  /** Receives errors of a background compaction (the old log is kept then). */
  onError?: (err: Error) => void;
}

/**
 * Durable, append-only outbox log (docs/delivery.md, "Outbox", "Integrity", "Disk faults"). Every
 * change (enqueue, attempt update, done) is a checksummed record appended to one file by the group
 * commit. One live owner per folder (outbox-lock.ts). At open the log is replayed: damaged records in
 * the middle are set aside and the log rewritten without them, a torn last record is cut off. When most
 * of the file is dead records it is rewritten with only the live ones.
 */
export class Outbox {
  readonly file: string;
  readonly recovery: RecoveryReport;
  private fd: number;
  private liveBytes = 0;
  private nextSeq = 1;
  private readonly map: Map<number, OutboxEntry>;
  private cachedCount = 0;
  private cachedBytes = 0;
  private closed = false;
  private readonly commit: GroupCommit;
  private readonly lock: OutboxLock;
  private readonly cacheEntries: number;
  private readonly cacheBytes: number;
  private readonly compactMinBytes: number;
  private readonly doFsync: boolean;
  /** No background compaction before the file has grown past this (set after a failed one). */
  private compactNotBefore = 0;

  constructor(readonly dir: string, private readonly options: OutboxOptions = {}) {
    this.cacheEntries = options.cacheEntries ?? 10000;
    this.cacheBytes = options.cacheBytes ?? 8 * 1024 * 1024;
    this.compactMinBytes = options.compactMinBytes ?? 8 * 1024 * 1024;
    this.doFsync = options.fsync ?? true;
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, LOG_NAME);
    // the owner first: recovery cuts and rewrites the file, which must never happen under a live writer
    this.lock = lockOutbox(dir, options.owner ?? 'outbox');
    let opened: ReturnType<typeof recoverLog>;
    try {
      opened = recoverLog(this.file, dir, { entries: this.cacheEntries, bytes: this.cacheBytes }, this.doFsync);
    } catch (e) {
      this.lock.release();
      throw e;
    }
    this.fd = opened.fd;
    this.recovery = opened.report;
    this.map = opened.log.entries;
    this.nextSeq = opened.log.nextSeq;
    this.cachedCount = opened.log.cachedCount;
    this.cachedBytes = opened.log.cachedBytes;
    for (const entry of this.map.values()) this.liveBytes += entry.length;
    this.commit = new GroupCommit(this.fd, opened.size, {
      io: options.io ?? fileIo,
      file: this.file,
      commitGapMs: options.commitGapMs ?? 5,
      faultRetryMs: options.faultRetryMs ?? 1000,
      fsync: this.doFsync,
      onWritten: (entries) => entries.forEach((entry) => this.uncacheIfOver(entry)),
      onRefused: (entry) => this.forget(entry),
      onProblem: (problem) => options.onDiskProblem?.(problem),
      onIdle: () => this.maybeCompact(),
    });
  }

  get count(): number {
    return this.map.size;
  }

  get fileBytes(): number {
    return this.commit.end;
  }

  /** The disk problem of the last write, while it lasts ("disk full", …). */
  get diskProblem(): DiskProblem | undefined {
    return this.commit.problem;
  }

  /** Entries in enqueue order. */
  entries(): IterableIterator<OutboxEntry> {
    return this.map.values();
  }

  get(seq: number): OutboxEntry | undefined {
    return this.map.get(seq);
  }

  /**
   * Appends a new webhook; `durable` resolves once it is on disk, or rejects (an OutboxWriteError) when
   * the disk refused it — the entry is then gone and its record cut from the file. The entry is usable at once.
   */
  append(req: StoredRequest, nextAt: number): { entry: OutboxEntry; durable: Promise<void> } {
    this.assertOpen();
    const seq = this.nextSeq++;
    const facts = factsOf(req);
    const body = enqueueWriter(seq, nextAt, 0, req, facts);
    const frame = buildFrame(RECORD_ENQUEUE, body.length, body.fill);
    const entry = newEntry(seq, 0, nextAt, this.commit.end, frame.length, facts, req);
    this.cachedCount += 1;
    this.cachedBytes += frame.length;
    this.map.set(seq, entry);
    this.liveBytes += frame.length;
    return { entry, durable: this.commit.write(frame, entry) };
  }

  /** Records a changed attempt count / next time / dead state; retried by the group commit until written. */
  update(entry: OutboxEntry): Promise<void> {
    this.assertOpen();
    return this.commit.write(encodeFrame(RECORD_UPDATE, encodeUpdate(entry)));
  }

  /** Removes a delivered (or discarded) entry; the DONE record is retried until written. */
  complete(entry: OutboxEntry): Promise<void> {
    this.assertOpen();
    if (!this.map.has(entry.seq)) return Promise.resolve();
    this.forget(entry);
    return this.commit.write(encodeFrame(RECORD_DONE, encodeDone(entry.seq)));
  }

  /** The stored request of an entry, from memory or read back from the log. */
  read(entry: OutboxEntry): StoredRequest {
    if (entry.cached) return entry.cached;
    this.assertOpen();
    const buf = Buffer.allocUnsafe(entry.length);
    const got = fs.readSync(this.fd, buf, 0, entry.length, entry.offset);
    const frame = readFrame(buf.subarray(0, got), 0);
    try {
      if (frame.kind !== 'frame' || frame.type !== RECORD_ENQUEUE) throw new Error('its checksum or type does not match');
      return decodeEnqueue(frame.body).req;
    } catch (e) {
      throw new DamagedRecordError(entry, e);
    }
  }

  /**
   * Takes an entry whose record was damaged on disk after the start out of the queue: its bytes are copied
   * to a quarantine file beside the log (never deleted) and a DONE record written. Returns that file.
   */
  discardDamaged(entry: OutboxEntry): string {
    this.assertOpen();
    const aside = setAsideDamage(this.fd, this.file, this.dir, [{ offset: entry.offset, length: entry.length }], this.doFsync);
    void this.complete(entry).catch((e) => this.options.onError?.(e instanceof Error ? e : new Error(String(e))));
    return aside;
  }

  /** Flushes what is pending (one try) and closes the file; rejects with what could not be written. */
  async close(): Promise<void> {
    if (this.closed) return;
    const error = await this.commit.close();
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } finally {
      // released whatever happens, or the node's replacement would meet this lock
      this.lock.release();
    }
    if (error) throw error;
  }

  /** Resolves once everything appended so far is on disk. */
  sync(): Promise<void> {
    return this.closed ? Promise.resolve() : this.commit.sync();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('outbox is closed');
  }

  private forget(entry: OutboxEntry): void {
    if (!this.map.delete(entry.seq)) return;
    this.liveBytes -= entry.length;
    if (entry.cached) this.uncache(entry);
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
    if (this.closed || this.commit.problem) return;
    const size = this.commit.size;
    if (size < this.compactMinBytes || size < this.compactNotBefore || this.liveBytes * 2 > size) return;
    this.tryCompact();
  }

  /** A failed compaction (a full disk) keeps the old log, which is still whole, and is not retried until the log grows. */
  private tryCompact(): void {
    try {
      this.compact();
    } catch (e) {
      this.compactNotBefore = this.commit.size * 2;
      fs.rmSync(`${this.file}.compact`, { force: true });
      this.options.onError?.(new Error(`compaction failed, the log is kept as it is: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  /** Exposed for tests and for a clean shutdown. */
  compact(): void {
    if (!this.commit.idle) throw new Error('compact while writes are pending');
    const compacted = compactLog(this.file, this.dir, this.map.values(), (entry) => this.read(entry), this.doFsync);
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'r+');
    this.commit.replaceFile(this.fd, compacted.size);
    this.compactNotBefore = 0;
    this.liveBytes = 0;
    for (const entry of this.map.values()) {
      const place = compacted.places.get(entry.seq)!;
      entry.offset = place.offset;
      entry.length = place.length;
      this.liveBytes += place.length;
    }
  }
}
