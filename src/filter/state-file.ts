import { promises as fsp, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';

/**
 * One small state file, replaced atomically (write a temp file, fsync, rename, fsync the folder) and
 * written at most once per `intervalMs` however often it changes (docs/filter.md, "What survives a
 * restart"). Writes never overlap; `flush` and `remove` wait for the one in flight.
 */
export class ThrottledStateFile {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private lastWriteAt = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    readonly file: string,
    private readonly render: () => string,
    private readonly onError: (err: Error) => void,
    private readonly intervalMs = 1000,
  ) {}

  /** Something changed: write it soon (at once if the last write was long enough ago). */
  markDirty(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeNow();
    }, wait);
  }

  /** Writes what is pending now and resolves once it is on disk. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writeNow();
  }

  /** Stops writing and deletes the file (the node was removed from the flows). */
  async remove(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await fsp.rm(this.file, { force: true });
  }

  private writeNow(): Promise<void> {
    this.inFlight = this.inFlight.then(async () => {
      if (!this.dirty || this.stopped) return;
      this.dirty = false;
      this.lastWriteAt = Date.now();
      try {
        await writeFileAtomic(this.file, this.render());
      } catch (err) {
        this.dirty = true; // tried again with the next change or flush
        this.onError(err instanceof Error ? err : new Error(String(err)));
      }
    });
    return this.inFlight;
  }
}

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await fsp.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, file);
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // some platforms (Windows) cannot open a folder for fsync; the rename is still atomic there
  }
}

export type StateRead = { text?: string; warning?: string };

/**
 * Reads the state file at start. Missing is normal (nothing yet); unreadable is a warning.
 * `accept` throws when the text is not a valid state; the file is then set aside beside itself
 * (`<file>.corrupt-<time>`) so the node starts clean and the evidence stays for a bug report.
 */
export function readStateFile(file: string, accept: (text: string) => void): StateRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { warning: `could not read ${file} (${(err as Error).message}); starting with no marks` };
  }
  try {
    accept(text);
    return { text };
  } catch (err) {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    let where = `set aside as ${aside}`;
    try {
      renameSync(file, aside);
    } catch (renameErr) {
      where = `could not set it aside (${(renameErr as Error).message})`;
    }
    return { warning: `state file ${file} is not usable (${(err as Error).message}); ${where}; starting with no marks` };
  }
}
