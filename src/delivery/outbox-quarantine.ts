import * as fs from 'fs';
import { compactTempPath } from './outbox-compaction';
import { fsyncDir } from './outbox-io';
import type { SkippedRange } from './outbox-replay';

/** Ranges are copied in pieces of at most this size, so a large damaged run never sits in memory whole. */
const COPY_PIECE = 1024 * 1024;

/**
 * Copies the damaged runs of a log (read from `fd`) into a new file beside it,
 * `<log>.quarantine-<time>`, one after another, and makes it durable (docs/delivery.md, "Integrity").
 * Nothing damaged is ever deleted: whatever was in those bytes can still be looked at by hand.
 */
export function setAsideDamage(fd: number, file: string, dir: string, ranges: readonly SkippedRange[], fsync: boolean): string {
  const aside = `${file}.quarantine-${Date.now()}`;
  const out = fs.openSync(aside, 'wx');
  try {
    const piece = Buffer.allocUnsafe(COPY_PIECE);
    let position = 0;
    for (const range of ranges) {
      for (let done = 0; done < range.length; ) {
        const got = fs.readSync(fd, piece, 0, Math.min(COPY_PIECE, range.length - done), range.offset + done);
        if (got === 0) break;
        for (let written = 0; written < got; ) written += fs.writeSync(out, piece, written, got - written, position + written);
        position += got;
        done += got;
      }
    }
    if (fsync) fs.fsyncSync(out);
  } catch (e) {
    fs.closeSync(out);
    fs.rmSync(aside, { force: true });
    throw e;
  }
  fs.closeSync(out);
  if (fsync) fsyncDir(dir);
  return aside;
}

/**
 * Rewrites the log without the damaged runs (already copied aside) and without anything from `end` on:
 * a streaming byte copy to the compaction temp file, fsynced and renamed over the log — no record is
 * decoded, so it costs about one read and one write of the file. Returns the new size; the caller moves
 * entry offsets with `offsetAfterDrop`.
 */
export function dropRanges(fd: number, file: string, dir: string, ranges: readonly SkippedRange[], end: number, fsync: boolean): number {
  const tmp = compactTempPath(file);
  const out = fs.openSync(tmp, 'w');
  let position = 0;
  try {
    const piece = Buffer.allocUnsafe(COPY_PIECE);
    const keep = (from: number, to: number): void => {
      for (let at = from; at < to; ) {
        const got = fs.readSync(fd, piece, 0, Math.min(COPY_PIECE, to - at), at);
        if (got === 0) throw new Error(`the log ended at ${at} while copying it without its damaged runs`);
        for (let written = 0; written < got; ) written += fs.writeSync(out, piece, written, got - written, position + written);
        position += got;
        at += got;
      }
    };
    let from = 0;
    for (const range of ranges) {
      keep(from, range.offset);
      from = range.offset + range.length;
    }
    keep(from, end);
    if (fsync) fs.fsyncSync(out);
  } catch (e) {
    fs.closeSync(out);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(out);
  fs.renameSync(tmp, file);
  if (fsync) fsyncDir(dir);
  return position;
}

/** Where a record that was at `offset` is once `ranges` (sorted, none covering it) are dropped. */
export function offsetAfterDrop(offset: number, ranges: readonly SkippedRange[]): number {
  let shift = 0;
  for (const range of ranges) {
    if (range.offset >= offset) break;
    shift += range.length;
  }
  return offset - shift;
}
