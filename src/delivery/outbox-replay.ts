import { FRAME_HEADER, MAX_FRAME_BODY, readFrame } from './frame';
import { crc32 } from './crc32';
import type { OutboxEntry } from './outbox-entry';
import {
  RECORD_DONE,
  RECORD_ENQUEUE,
  RECORD_UPDATE,
  decodeDone,
  decodeEnqueue,
  decodeEnqueueHead,
  decodeEnqueueFacts,
  decodeEnqueueMeta,
  decodeUpdate,
} from './outbox-record';
import { factsOf, newEntry } from './outbox-scheduling';

/** The first bytes of every outbox log; records follow it. */
export const OUTBOX_MAGIC = Buffer.from('PHOUTBX1', 'ascii');

/** How many entries, and how many bytes of their records, may keep their body in memory. */
export interface CacheBudget {
  entries: number;
  bytes: number;
}

/** The damaged end of a log: no readable record follows `offset`. */
export interface LogDamage {
  /** File offset of the first byte that is not part of a readable record; the file is cut here. */
  offset: number;
  /** torn: the last record runs past the end of the file (a crash mid-write); corrupt: its length or checksum is wrong. */
  kind: 'torn' | 'corrupt';
}

/** A run of unreadable bytes with readable records after it (docs/delivery.md, "Integrity"). */
export interface SkippedRange {
  offset: number;
  length: number;
}

/** What replaying a log's records found. */
export interface ReplayedLog {
  /** Live entries by seq, in enqueue order (completed ones are gone, dead letters are kept). */
  entries: Map<number, OutboxEntry>;
  /** The seq the next appended entry gets. */
  nextSeq: number;
  /** Entries whose body was kept in memory, and the bytes of their records. */
  cachedCount: number;
  cachedBytes: number;
  /** File offset just past the last good record. */
  goodEnd: number;
  /** The damaged tail, if any: cut off at goodEnd. */
  damage?: LogDamage;
  /** Damaged runs in the middle, each followed by readable records. */
  skipped: SkippedRange[];
  /** Records read after the first skipped run. */
  recordsAfterDamage: number;
}

/**
 * Replays the records of an outbox log in file order, fed chunk by chunk (a record may span two
 * chunks). After damage it resynchronises: it looks byte by byte for the next place where a whole
 * record with a known type and a matching CRC-32 starts, and goes on from there, so one bad record
 * costs only itself. Damage with no readable record after it is the tail (a torn write).
 * Pure: it never touches the file; the caller decides what to do with the damage it reports.
 */
export class LogReplay {
  private readonly log: ReplayedLog;
  /** Bytes not consumed yet, and the file offset of the first of them. */
  private carry = Buffer.alloc(0);
  private base: number;
  /** Set while looking for the next readable record: where the damage began. */
  private damageStart: number | undefined;
  /** The highest ENQUEUE seq read: ENQUEUE seqs only grow through a log, which a resync candidate must respect. */
  private lastEnqueueSeq = 0;
  /** Where a record ran past the end of the file (a torn write), if that is how the current damage began. */
  private tornAt: number | undefined;

  /** `fileEnd`, when known, lets a resync reject a candidate whose length runs past the file at once. */
  constructor(private readonly cache: CacheBudget, start = OUTBOX_MAGIC.length, private readonly fileEnd = Infinity) {
    this.log = { entries: new Map(), nextSeq: 1, cachedCount: 0, cachedBytes: 0, goodEnd: start, skipped: [], recordsAfterDamage: 0 };
    this.base = start;
  }

  /** Applies the whole records in the next bytes of the log. */
  push(chunk: Buffer): boolean {
    this.consume(this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk, false);
    return true;
  }

  /** Ends the replay at the end of the file: what is left unread is the damaged (or torn) tail. */
  finish(): ReplayedLog {
    this.consume(this.carry, true);
    if (this.damageStart !== undefined) {
      this.log.goodEnd = this.damageStart;
      this.log.damage = { offset: this.damageStart, kind: this.tailKind() };
    }
    this.carry = Buffer.alloc(0);
    return this.log;
  }

  private tailKind(): 'torn' | 'corrupt' {
    return this.tornAt === this.damageStart ? 'torn' : 'corrupt';
  }

  private consume(bytes: Buffer, atEnd: boolean): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.damageStart === undefined) {
        if (this.runsPastEnd(bytes, at)) {
          this.tornAt = this.base + at;
          this.damageStart = this.base + at;
          at += 1;
          continue;
        }
        const frame = readFrame(bytes, at);
        if (frame.kind === 'frame' && this.applied(frame.type, frame.body, this.base + at, frame.size)) {
          at += frame.size;
          this.log.goodEnd = this.base + at;
          continue;
        }
        if (frame.kind === 'short' && !atEnd) break;
        // a frame whose checksum matches but whose body cannot be decoded (written that way on purpose, or by a bug) is damage too
        if (frame.kind === 'short') this.tornAt = this.base + at;
        this.damageStart = this.base + at;
        at += 1;
        continue;
      }
      const candidate = this.candidateAt(bytes, at, atEnd);
      if (candidate === 'more') break;
      if (candidate === 'no') {
        at += 1;
        continue;
      }
      this.log.skipped.push({ offset: this.damageStart, length: this.base + at - this.damageStart });
      this.damageStart = undefined;
      this.tornAt = undefined;
    }
    // copied: the caller may reuse its chunk buffer for the next read
    this.carry = Buffer.from(bytes.subarray(at));
    this.base += at;
  }

  /** A record whose length runs past the end of the file: torn, or its length is damaged (no need to wait for more bytes). */
  private runsPastEnd(bytes: Buffer, at: number): boolean {
    return bytes.length - at >= FRAME_HEADER && this.base + at + FRAME_HEADER + bytes.readUInt32LE(at) > this.fileEnd;
  }

  /** Whether a readable record starts at `at` while resynchronising; 'more' = the answer needs bytes not read yet. */
  private candidateAt(bytes: Buffer, at: number, atEnd: boolean): 'yes' | 'no' | 'more' {
    if (bytes.length - at < FRAME_HEADER) return atEnd ? 'no' : 'more';
    const length = bytes.readUInt32LE(at);
    const type = bytes[at + 8];
    if (type !== RECORD_ENQUEUE && type !== RECORD_UPDATE && type !== RECORD_DONE) return 'no';
    if (length > MAX_FRAME_BODY || this.base + at + FRAME_HEADER + length > this.fileEnd) return 'no';
    if (!plausibleLength(type, length)) return 'no';
    if (bytes.length - at < FRAME_HEADER + length) return atEnd ? 'no' : 'more';
    if (crc32(bytes.subarray(at + 8, at + FRAME_HEADER + length)) !== bytes.readUInt32LE(at + 4)) return 'no';
    if (type === RECORD_ENQUEUE) {
      const head = decodeEnqueueHead(bytes.subarray(at + FRAME_HEADER));
      if (!Number.isSafeInteger(head.seq) || head.seq <= this.lastEnqueueSeq) return 'no';
    }
    return 'yes';
  }

  /** Applies a record; false (nothing changed) when its body cannot be decoded. */
  private applied(type: number, body: Buffer, offset: number, length: number): boolean {
    try {
      this.apply(type, body, offset, length);
      return true;
    } catch {
      return false;
    }
  }

  /** Decodes first and changes the replayed state only after, so a throw leaves the state as it was. */
  private apply(type: number, body: Buffer, offset: number, length: number): void {
    const log = this.log;
    if (type === RECORD_ENQUEUE) {
      const head = decodeEnqueueHead(body);
      if (body.length < 24 || 24 + body.readUInt32LE(20) > body.length || !Number.isSafeInteger(head.seq)) throw new Error('not an ENQUEUE body');
      const cache = log.cachedCount < this.cache.entries && log.cachedBytes + length <= this.cache.bytes;
      const cached = cache ? decodeEnqueue(body).req : undefined;
      if (log.skipped.length) log.recordsAfterDamage += 1;
      this.lastEnqueueSeq = Math.max(this.lastEnqueueSeq, head.seq);
      // the facts from the first bytes; a record written before they existed has its metadata parsed
      const facts = decodeEnqueueFacts(body) ?? factsOf(cached ?? decodeEnqueueMeta(body));
      const entry = newEntry(head.seq, head.attempts, head.nextAt, offset, length, facts, cached);
      if (cached) {
        log.cachedCount += 1;
        log.cachedBytes += length;
      }
      log.entries.set(head.seq, entry);
      if (head.seq >= log.nextSeq) log.nextSeq = head.seq + 1;
    } else if (type === RECORD_UPDATE) {
      const update = decodeUpdate(body);
      if (log.skipped.length) log.recordsAfterDamage += 1;
      const entry = log.entries.get(update.seq);
      if (!entry) return;
      entry.attempts = update.attempts;
      entry.nextAt = update.nextAt;
      entry.dead = update.dead;
      entry.reason = update.reason;
    } else if (type === RECORD_DONE) {
      const seq = decodeDone(body);
      if (log.skipped.length) log.recordsAfterDamage += 1;
      const entry = log.entries.get(seq);
      if (!entry) return;
      log.entries.delete(entry.seq);
      if (entry.cached) {
        log.cachedCount -= 1;
        log.cachedBytes -= entry.length;
      }
    }
  }
}

/** The smallest bodies each record type can have (outbox-record.ts): a cheap filter before the CRC. */
function plausibleLength(type: number, length: number): boolean {
  if (type === RECORD_ENQUEUE) return length >= 24;
  if (type === RECORD_UPDATE) return length >= 21;
  return length === 8;
}

/** Replays a whole log held in memory: `records` are the file's bytes after its header. */
export function replayLog(records: Buffer, cache: CacheBudget): ReplayedLog {
  const replay = new LogReplay(cache, OUTBOX_MAGIC.length, OUTBOX_MAGIC.length + records.length);
  replay.push(records);
  return replay.finish();
}
