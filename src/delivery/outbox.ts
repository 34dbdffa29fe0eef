import * as fs from 'fs';
import * as path from 'path';
import { buildFrame, encodeFrame, readFrame } from './frame';
import {
  RECORD_DONE,
  RECORD_ENQUEUE,
  RECORD_UPDATE,
  StoredRequest,
  decodeDone,
  decodeEnqueue,
  decodeEnqueueHead,
  decodeUpdate,
  encodeDone,
  encodeUpdate,
  enqueueWriter,
} from './outbox-record';

const MAGIC = Buffer.from('PHOUTBX1', 'ascii');
const LOG_NAME = 'outbox.log';
const READ_CHUNK = 4 * 1024 * 1024;

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

/** One queued webhook as held in memory: a small index into the log, plus the body while cached. */
export interface OutboxEntry {
  readonly seq: number;
  attempts: number;
  nextAt: number;
  dead: boolean;
  reason?: string;
  /** Where its ENQUEUE record starts in the log, and its size. */
  offset: number;
  length: number;
  cached?: StoredRequest;
}

export interface RecoveryReport {
  entries: number;
  dead: number;
  /** Bytes dropped from the end of the log because the last record was torn. */
  tornBytes: number;
  /** The log had no valid header and was moved aside. */
  movedAside?: string;
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
  private readonly map = new Map<number, OutboxEntry>();
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
    const opened = this.openAndRecover();
    this.fd = opened.fd;
    this.size = opened.size;
    this.end = opened.size;
    this.recovery = opened.report;
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
      for (const w of waiters) w.resolve();
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      for (const w of waiters) w.reject(this.failure);
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
    const tmp = `${this.file}.compact`;
    const out = fs.openSync(tmp, 'w');
    let position = 0;
    const offsets = new Map<number, { offset: number; length: number }>();
    try {
      position += fs.writeSync(out, MAGIC, 0, MAGIC.length, position);
      let batch: Buffer[] = [];
      let batchBytes = 0;
      const flushBatch = (): void => {
        if (!batch.length) return;
        const data = Buffer.concat(batch, batchBytes);
        let done = 0;
        while (done < data.length) done += fs.writeSync(out, data, done, data.length - done, position + done);
        position += data.length;
        batch = [];
        batchBytes = 0;
      };
      for (const entry of this.map.values()) {
        const req = this.read(entry);
        const body = enqueueWriter(entry.seq, entry.nextAt, entry.attempts, req);
        const frame = buildFrame(RECORD_ENQUEUE, body.length, body.fill);
        offsets.set(entry.seq, { offset: position + batchBytes, length: frame.length });
        batch.push(frame);
        batchBytes += frame.length;
        if (entry.dead || entry.reason) {
          const update = encodeFrame(RECORD_UPDATE, encodeUpdate(entry));
          batch.push(update);
          batchBytes += update.length;
        }
        if (batchBytes > READ_CHUNK) flushBatch();
      }
      flushBatch();
      if (this.doFsync) fs.fsyncSync(out);
    } finally {
      fs.closeSync(out);
    }
    fs.renameSync(tmp, this.file);
    if (this.doFsync) fsyncDir(this.dir);
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'r+');
    this.size = position;
    this.end = position;
    this.liveBytes = 0;
    for (const entry of this.map.values()) {
      const at = offsets.get(entry.seq)!;
      entry.offset = at.offset;
      entry.length = at.length;
      this.liveBytes += at.length;
    }
  }

  private openAndRecover(): { fd: number; size: number; report: RecoveryReport } {
    const report: RecoveryReport = { entries: 0, dead: 0, tornBytes: 0 };
    fs.rmSync(`${this.file}.compact`, { force: true });
    let fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT);
    let size = fs.fstatSync(fd).size;
    if (size === 0 || size < MAGIC.length) {
      // new file, or one torn before its header was complete: nothing in it was ever acknowledged
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, MAGIC, 0, MAGIC.length, 0);
      if (this.doFsync) {
        fs.fsyncSync(fd);
        fsyncDir(this.dir);
      }
      return { fd, size: MAGIC.length, report };
    }
    const head = Buffer.alloc(MAGIC.length);
    fs.readSync(fd, head, 0, MAGIC.length, 0);
    if (!head.equals(MAGIC)) {
      fs.closeSync(fd);
      const aside = `${this.file}.unreadable-${Date.now()}`;
      fs.renameSync(this.file, aside);
      report.movedAside = aside;
      fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT);
      fs.writeSync(fd, MAGIC, 0, MAGIC.length, 0);
      if (this.doFsync) fs.fsyncSync(fd);
      return { fd, size: MAGIC.length, report };
    }
    const good = this.replay(fd, size);
    if (good < size) {
      report.tornBytes = size - good;
      fs.ftruncateSync(fd, good);
      if (this.doFsync) fs.fsyncSync(fd);
      size = good;
    }
    for (const entry of this.map.values()) {
      this.liveBytes += entry.length;
      if (entry.dead) report.dead += 1;
    }
    report.entries = this.map.size;
    return { fd, size, report };
  }

  /** Replays records in file order; returns the offset just past the last good record. */
  private replay(fd: number, size: number): number {
    let fileOffset = MAGIC.length;
    let carry = Buffer.alloc(0);
    let carryStart = fileOffset;
    let readPos = fileOffset;
    const chunk = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const got = readPos < size ? fs.readSync(fd, chunk, 0, Math.min(READ_CHUNK, size - readPos), readPos) : 0;
      readPos += got;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, got)]) : chunk.subarray(0, got);
      let at = 0;
      let stop = false;
      for (;;) {
        const frame = readFrame(buf, at);
        if (frame.kind === 'short') break;
        if (frame.kind === 'corrupt') {
          stop = true;
          break;
        }
        this.apply(frame.type, frame.body, carryStart + at, frame.size);
        at += frame.size;
      }
      fileOffset = carryStart + at;
      if (stop || got === 0) return fileOffset;
      carry = Buffer.from(buf.subarray(at));
      carryStart = fileOffset;
    }
  }

  private apply(type: number, body: Buffer, offset: number, length: number): void {
    if (type === RECORD_ENQUEUE) {
      const head = decodeEnqueueHead(body);
      const entry: OutboxEntry = { seq: head.seq, attempts: head.attempts, nextAt: head.nextAt, dead: false, offset, length };
      if (this.cachedCount < this.cacheEntries && this.cachedBytes + length <= this.cacheBytes) {
        entry.cached = decodeEnqueue(body).req;
        this.cachedCount += 1;
        this.cachedBytes += length;
      }
      this.map.set(head.seq, entry);
      if (head.seq >= this.nextSeq) this.nextSeq = head.seq + 1;
    } else if (type === RECORD_UPDATE) {
      const u = decodeUpdate(body);
      const entry = this.map.get(u.seq);
      if (!entry) return;
      entry.attempts = u.attempts;
      entry.nextAt = u.nextAt;
      entry.dead = u.dead;
      entry.reason = u.reason;
    } else if (type === RECORD_DONE) {
      const entry = this.map.get(decodeDone(body));
      if (!entry) return;
      this.map.delete(entry.seq);
      if (entry.cached) this.uncache(entry);
    }
  }
}

/** Writes buffers in order at `position` with writev (no copy into one big buffer), in groups under IOV_MAX. */
async function writeBuffers(fd: number, buffers: Buffer[], position: number): Promise<void> {
  let at = position;
  for (let i = 0; i < buffers.length; i += 512) {
    const group = buffers.slice(i, i + 512);
    const size = group.reduce((n, b) => n + b.length, 0);
    const written = await new Promise<number>((resolve, reject) =>
      fs.writev(fd, group, at, (err, n) => (err ? reject(err) : resolve(n))),
    );
    // a short write (rare on regular files): finish the rest of this group the plain way
    if (written < size) await writeAll(fd, Buffer.concat(group, size).subarray(written), at + written);
    at += size;
  }
}

function writeAll(fd: number, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number): void => {
      if (done >= data.length) return resolve();
      fs.write(fd, data, done, data.length - done, position + done, (err, n) => {
        if (err) return reject(err);
        step(done + n);
      });
    };
    step(0);
  });
}

function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some platforms (Windows) cannot open a directory for fsync; the rename is still atomic there
  }
}
