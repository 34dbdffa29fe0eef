import * as fs from 'fs';
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
