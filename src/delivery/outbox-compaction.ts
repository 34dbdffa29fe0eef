import * as fs from 'fs';
import { buildFrame, encodeFrame } from './frame';
import type { OutboxEntry } from './outbox-entry';
import { fsyncDir } from './outbox-io';
import { RECORD_ENQUEUE, RECORD_UPDATE, StoredRequest, encodeUpdate, enqueueWriter } from './outbox-record';
import { OUTBOX_MAGIC } from './outbox-replay';
import { factsOfEntry } from './outbox-scheduling';

/** Records are written in batches of about this many bytes. */
const WRITE_BATCH = 4 * 1024 * 1024;

/** Where a compaction writes the new log before it replaces the old one. */
export function compactTempPath(file: string): string {
  return `${file}.compact`;
}

export interface CompactedLog {
  /** Bytes in the new log. */
  size: number;
  /** Where each entry's ENQUEUE record now is. */
  places: Map<number, { offset: number; length: number }>;
}

/**
 * Replaces the log at `file` with one holding only `entries` (docs/delivery.md, "Outbox"): each
 * as one ENQUEUE record carrying its attempt state, plus an UPDATE when it is dead or has a reason.
 * Written to a temp file, fsynced, renamed over the log, and the directory fsynced. `read` gives an
 * entry's request; it may still read the old log, which the caller closes afterwards.
 */
export function compactLog(
  file: string,
  dir: string,
  entries: Iterable<OutboxEntry>,
  read: (entry: OutboxEntry) => StoredRequest,
  fsync: boolean,
): CompactedLog {
  const tmp = compactTempPath(file);
  const out = fs.openSync(tmp, 'w');
  let position = 0;
  const places = new Map<number, { offset: number; length: number }>();
  try {
    position += fs.writeSync(out, OUTBOX_MAGIC, 0, OUTBOX_MAGIC.length, position);
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
    for (const entry of entries) {
      const body = enqueueWriter(entry.seq, entry.nextAt, entry.attempts, read(entry), factsOfEntry(entry));
      const frame = buildFrame(RECORD_ENQUEUE, body.length, body.fill);
      places.set(entry.seq, { offset: position + batchBytes, length: frame.length });
      batch.push(frame);
      batchBytes += frame.length;
      if (entry.dead || entry.reason) {
        const update = encodeFrame(RECORD_UPDATE, encodeUpdate(entry));
        batch.push(update);
        batchBytes += update.length;
      }
      if (batchBytes > WRITE_BATCH) flushBatch();
    }
    flushBatch();
    if (fsync) fs.fsyncSync(out);
  } finally {
    fs.closeSync(out);
  }
  fs.renameSync(tmp, file);
  if (fsync) fsyncDir(dir);
  return { size: position, places };
}
