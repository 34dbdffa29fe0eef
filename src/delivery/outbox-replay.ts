import { readFrame } from './frame';
import type { OutboxEntry } from './outbox-entry';
import {
  RECORD_DONE,
  RECORD_ENQUEUE,
  RECORD_UPDATE,
  decodeDone,
  decodeEnqueue,
  decodeEnqueueHead,
  decodeUpdate,
} from './outbox-record';

/** The first bytes of every outbox log; records follow it. */
export const OUTBOX_MAGIC = Buffer.from('PHOUTBX1', 'ascii');

/** How many entries, and how many bytes of their records, may keep their body in memory. */
export interface CacheBudget {
  entries: number;
  bytes: number;
}

/** Where the readable part of a log ends, and why. */
export interface LogDamage {
  /** File offset of the first record that could not be read; everything from here on is dropped. */
  offset: number;
  /** torn: the last record runs past the end of the file (a crash mid-write); corrupt: its length or checksum is wrong. */
  kind: 'torn' | 'corrupt';
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
  damage?: LogDamage;
}

/**
 * Replays the records of an outbox log in file order, fed chunk by chunk (a record may span two
 * chunks). Pure: it never touches the file, so the caller decides how to read it and what to do
 * with the damage it reports.
 */
export class LogReplay {
  private readonly log: ReplayedLog;
  /** Bytes of a record cut by the end of the last chunk, and the file offset where they start. */
  private carry = Buffer.alloc(0);
  private carryStart: number;

  constructor(private readonly cache: CacheBudget, start = OUTBOX_MAGIC.length) {
    this.log = { entries: new Map(), nextSeq: 1, cachedCount: 0, cachedBytes: 0, goodEnd: start };
    this.carryStart = start;
  }

  /** Applies the whole records in the next bytes of the log; false once damage has ended the replay. */
  push(chunk: Buffer): boolean {
    if (this.log.damage) return false;
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const frame = readFrame(bytes, at);
      if (frame.kind === 'short') break;
      if (frame.kind === 'corrupt') {
        this.log.damage = { offset: this.carryStart + at, kind: 'corrupt' };
        break;
      }
      this.apply(frame.type, frame.body, this.carryStart + at, frame.size);
      at += frame.size;
    }
    this.log.goodEnd = this.carryStart + at;
    if (this.log.damage) {
      this.carry = Buffer.alloc(0);
      return false;
    }
    // copied: the caller may reuse its chunk buffer for the next read
    this.carry = Buffer.from(bytes.subarray(at));
    this.carryStart = this.log.goodEnd;
    return true;
  }

  /** Ends the replay at the end of the file: bytes of an incomplete last record are a torn record. */
  finish(): ReplayedLog {
    if (!this.log.damage && this.carry.length > 0) this.log.damage = { offset: this.log.goodEnd, kind: 'torn' };
    this.carry = Buffer.alloc(0);
    return this.log;
  }

  private apply(type: number, body: Buffer, offset: number, length: number): void {
    const log = this.log;
    if (type === RECORD_ENQUEUE) {
      const head = decodeEnqueueHead(body);
      const entry: OutboxEntry = { seq: head.seq, attempts: head.attempts, nextAt: head.nextAt, dead: false, offset, length };
      if (log.cachedCount < this.cache.entries && log.cachedBytes + length <= this.cache.bytes) {
        entry.cached = decodeEnqueue(body).req;
        log.cachedCount += 1;
        log.cachedBytes += length;
      }
      log.entries.set(head.seq, entry);
      if (head.seq >= log.nextSeq) log.nextSeq = head.seq + 1;
    } else if (type === RECORD_UPDATE) {
      const update = decodeUpdate(body);
      const entry = log.entries.get(update.seq);
      if (!entry) return;
      entry.attempts = update.attempts;
      entry.nextAt = update.nextAt;
      entry.dead = update.dead;
      entry.reason = update.reason;
    } else if (type === RECORD_DONE) {
      const entry = log.entries.get(decodeDone(body));
      if (!entry) return;
      log.entries.delete(entry.seq);
      if (entry.cached) {
        log.cachedCount -= 1;
        log.cachedBytes -= entry.length;
      }
    }
  }
}

/** Replays a whole log held in memory: `records` are the file's bytes after its header. */
export function replayLog(records: Buffer, cache: CacheBudget): ReplayedLog {
  const replay = new LogReplay(cache);
  replay.push(records);
  return replay.finish();
}
