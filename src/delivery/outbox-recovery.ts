import * as fs from 'fs';
import { compactTempPath } from './outbox-compaction';
import { fsyncDir } from './outbox-io';
import { dropRanges, offsetAfterDrop, setAsideDamage } from './outbox-quarantine';
import { CacheBudget, LogReplay, OUTBOX_MAGIC, ReplayedLog } from './outbox-replay';

const READ_CHUNK = 4 * 1024 * 1024;

export interface RecoveryReport {
  entries: number;
  dead: number;
  /** Bytes dropped from the end of the log because the last record was torn. */
  tornBytes: number;
  /** The log had no valid header and was moved aside. */
  movedAside?: string;
  /** Damaged runs in the middle of the log, skipped with the records after them recovered. */
  skipped?: SkippedDamage;
}

export interface SkippedDamage {
  /** How many damaged runs, and their bytes in all. */
  ranges: number;
  bytes: number;
  /** Records read after the first damaged run. */
  recordsAfter: number;
  /** The file the damaged bytes were copied to; absent when that copy failed (see quarantineError). */
  quarantine?: string;
  quarantineError?: string;
  /** Set when the log could not be rewritten without the damaged runs: they stay in it until the next start. */
  rewriteError?: string;
}

/** An outbox log opened for appending, with what it held. */
export interface RecoveredLog {
  fd: number;
  /** Bytes in the file (after a damaged tail was cut off). */
  size: number;
  log: ReplayedLog;
  report: RecoveryReport;
}

/**
 * Opens (or creates) the log at `file` and replays it (docs/delivery.md, "Outbox" and "Integrity"): a
 * left-over compaction file is removed, a file without the header is moved aside, damaged runs in the
 * middle are copied to a quarantine file and the log rewritten without them, and a damaged tail is cut off.
 */
export function recoverLog(file: string, dir: string, cache: CacheBudget, fsync: boolean): RecoveredLog {
  const report: RecoveryReport = { entries: 0, dead: 0, tornBytes: 0 };
  fs.rmSync(compactTempPath(file), { force: true });
  let fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
  let size = fs.fstatSync(fd).size;
  if (size === 0 || size < OUTBOX_MAGIC.length) {
    // new file, or one torn before its header was complete: nothing in it was ever acknowledged
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, OUTBOX_MAGIC, 0, OUTBOX_MAGIC.length, 0);
    if (fsync) {
      fs.fsyncSync(fd);
      fsyncDir(dir);
    }
    return { fd, size: OUTBOX_MAGIC.length, log: new LogReplay(cache).finish(), report };
  }
  const head = Buffer.alloc(OUTBOX_MAGIC.length);
  fs.readSync(fd, head, 0, OUTBOX_MAGIC.length, 0);
  if (!head.equals(OUTBOX_MAGIC)) {
    fs.closeSync(fd);
    const aside = `${file}.unreadable-${Date.now()}`;
    fs.renameSync(file, aside);
    report.movedAside = aside;
    fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
    fs.writeSync(fd, OUTBOX_MAGIC, 0, OUTBOX_MAGIC.length, 0);
    if (fsync) fs.fsyncSync(fd);
    return { fd, size: OUTBOX_MAGIC.length, log: new LogReplay(cache).finish(), report };
  }
  const log = readRecords(fd, size, cache);
  if (log.skipped.length) report.skipped = setAside(fd, file, dir, log, fsync);
  if (log.goodEnd < size) report.tornBytes = size - log.goodEnd;
  if (report.skipped?.quarantine) {
    // the damaged runs are safe in the quarantine file: the log is rewritten without them (and its torn tail)
    try {
      size = dropRanges(fd, file, dir, log.skipped, log.goodEnd, fsync);
      fs.closeSync(fd);
      fd = fs.openSync(file, fs.constants.O_RDWR);
      for (const entry of log.entries.values()) entry.offset = offsetAfterDrop(entry.offset, log.skipped);
      log.goodEnd = size;
    } catch (e) {
      // left in the log then: the next start finds them again
      report.skipped.rewriteError = e instanceof Error ? e.message : String(e);
    }
  }
  if (log.goodEnd < size) {
    fs.ftruncateSync(fd, log.goodEnd);
    if (fsync) fs.fsyncSync(fd);
    size = log.goodEnd;
  }
  for (const entry of log.entries.values()) if (entry.dead) report.dead += 1;
  report.entries = log.entries.size;
  return { fd, size, log, report };
}

/** Replays the records after the header, read in chunks so a big log never sits in memory whole. */
function readRecords(fd: number, size: number, cache: CacheBudget): ReplayedLog {
  const replay = new LogReplay(cache, OUTBOX_MAGIC.length, size);
  const chunk = Buffer.allocUnsafe(READ_CHUNK);
  let readAt = OUTBOX_MAGIC.length;
  while (readAt < size) {
    const got = fs.readSync(fd, chunk, 0, Math.min(READ_CHUNK, size - readAt), readAt);
    if (got === 0) break;
    readAt += got;
    replay.push(chunk.subarray(0, got));
  }
  return replay.finish();
}

function setAside(fd: number, file: string, dir: string, log: ReplayedLog, fsync: boolean): SkippedDamage {
  const skipped: SkippedDamage = {
    ranges: log.skipped.length,
    bytes: log.skipped.reduce((n, r) => n + r.length, 0),
    recordsAfter: log.recordsAfterDamage,
  };
  try {
    skipped.quarantine = setAsideDamage(fd, file, dir, log.skipped, fsync);
  } catch (e) {
    // the damaged bytes stay in the log then (it is not rewritten), and the next start finds them again
    skipped.quarantineError = e instanceof Error ? e.message : String(e);
  }
  return skipped;
}
