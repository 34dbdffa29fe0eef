import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CapturedImage } from './capture-store';

export interface CaptureDiskOptions {
  /** Normally `<userDir>/printhooks/snapshots`. */
  dir: string;
  /** Images older than this are deleted (default 7 days). */
  maxAgeMs?: number;
  /** The folder's images together stay under this; the oldest go first (default 200 MiB). */
  maxBytes?: number;
  now?: () => number;
}

const SUFFIX = '.jpg';
/** A file larger than this was not written by us and is never read into memory. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

/**
 * Captured images on disk, one `<event id>.jpg` each with the capture time as its modification time.
 * Written atomically (temporary file, fsync, rename); every write prunes by age, then by total size,
 * oldest first. Writes and prunes run one at a time.
 */
export class CaptureDisk {
  readonly dir: string;
  private readonly maxAgeMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(options: CaptureDiskOptions) {
    this.dir = options.dir;
    this.maxAgeMs = options.maxAgeMs ?? 7 * 24 * 3600 * 1000;
    this.maxBytes = options.maxBytes ?? 200 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  write(image: CapturedImage): Promise<void> {
    return this.serial(async () => {
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      const file = this.fileOf(image.id);
      const tmp = `${file}.tmp-${process.pid}`;
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(image.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      const at = new Date(image.capturedAt);
      await fs.utimes(tmp, at, at);
      await fs.rename(tmp, file);
      await this.pruneNow();
    });
  }

  async read(id: string): Promise<CapturedImage | undefined> {
    const file = this.fileOf(id);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat || !stat.isFile() || stat.size === 0 || stat.size > MAX_READ_BYTES) return undefined;
    if (this.now() - stat.mtimeMs > this.maxAgeMs) return undefined;
    const bytes = await fs.readFile(file);
    return { id, contentType: 'image/jpeg', bytes, capturedAt: stat.mtime.toISOString() };
  }

  /** Deletes what is over age or over size (also run at start). */
  prune(): Promise<void> {
    return this.serial(() => this.pruneNow());
  }

  /** The images on disk, oldest first, with their sizes (for tests). */
  async list(): Promise<Array<{ id: string; bytes: number; mtimeMs: number }>> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const out: Array<{ id: string; bytes: number; mtimeMs: number }> = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX)) continue;
      const stat = await fs.stat(path.join(this.dir, name)).catch(() => undefined);
      if (stat?.isFile()) out.push({ id: name.slice(0, -SUFFIX.length), bytes: stat.size, mtimeMs: stat.mtimeMs });
    }
    return out.sort((a, b) => a.mtimeMs - b.mtimeMs);
  }

  private async pruneNow(): Promise<void> {
    const files = await this.list();
    let total = files.reduce((sum, f) => sum + f.bytes, 0);
    for (const f of files) {
      const tooOld = this.now() - f.mtimeMs > this.maxAgeMs;
      if (!tooOld && total <= this.maxBytes) continue;
      await fs.rm(this.fileOf(f.id), { force: true });
      total -= f.bytes;
    }
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}${SUFFIX}`);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
