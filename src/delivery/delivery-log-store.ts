import * as fs from 'node:fs';
import * as path from 'node:path';
import { boundedEntry, type AttemptLogEntry, type DeliveryLog } from './delivery-log';

export interface DeliveryLogStoreOptions {
  /** Appended lines are written together after this wait (default 250 ms): delivery never waits for the file. */
  flushMs?: number;
  /** The file is rewritten with only the log's entries once it grows past this size (default 2 MiB). */
  maxBytes?: number;
  onError?: (err: Error) => void;
}

const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
/** Longest line read back; a longer one is someone else's file and is skipped. */
const LINE_LIMIT = 16 * 1024;

/**
 * The delivery log of one sender on disk (docs/editor.md "Sidebar"): one JSON line per attempt in
 * `file`, read back into the log when the sender starts (after a redeploy or a restart), appended in
 * batches, and rewritten with the newest `log.capacity` entries when it passes `maxBytes`. A disk
 * problem is reported once through `onError`; the log in memory keeps working.
 */
export class DeliveryLogStore {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private bytes = 0;
  private lines = 0;
  private closed = false;
  private failed = false;
  private readonly flushMs: number;
  private readonly maxBytes: number;

  constructor(
    readonly file: string,
    private readonly log: DeliveryLog,
    private readonly options: DeliveryLogStoreOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 250;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Reads the file into the log (oldest first) and starts recording the log's new entries. */
  open(): void {
    let text = '';
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.report(e);
    }
    this.bytes = Buffer.byteLength(text);
    for (const line of text.split('\n')) {
      if (line === '' || line.length > LINE_LIMIT) continue;
      this.lines += 1;
      const entry = parseLine(line);
      if (entry) this.log.restore(entry);
    }
    this.log.onAdd = (entry) => this.append(entry);
  }

  /** Writes what is pending and stops recording. */
  async close(): Promise<void> {
    this.closed = true;
    this.log.onAdd = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
    await this.writing;
  }

  private append(entry: AttemptLogEntry): void {
    if (this.closed) return;
    this.pending.push(JSON.stringify(entry));
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.flushMs);
      this.timer.unref?.();
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = `${this.pending.join('\n')}\n`;
    const count = this.pending.length;
    this.pending = [];
    this.writing = this.writing.then(() => this.write(chunk, count));
  }

  private async write(chunk: string, count: number): Promise<void> {
    try {
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
      // past the bound (or far more lines than the log keeps): one rewrite with what the log holds now
      if (this.bytes + Buffer.byteLength(chunk) > this.maxBytes || this.lines + count > 2 * this.log.capacity) {
        await this.rewrite();
      } else {
        await fs.promises.appendFile(this.file, chunk);
        this.bytes += Buffer.byteLength(chunk);
        this.lines += count;
      }
      this.failed = false;
    } catch (e) {
      this.report(e);
    }
  }

  /** The newest entries that fit in half the bound, written to a temporary file renamed over the log. */
  private async rewrite(): Promise<void> {
    const kept: string[] = [];
    let size = 0;
    // the newest entries still pending are appended by a later write
    for (const entry of this.log.list().slice(this.pending.length)) {
      const line = JSON.stringify(entry);
      size += Buffer.byteLength(line) + 1;
      if (size > this.maxBytes / 2) break;
      kept.push(line);
    }
    const text = kept.length ? `${kept.reverse().join('\n')}\n` : '';
    const temp = `${this.file}.tmp`;
    await fs.promises.writeFile(temp, text);
    await fs.promises.rename(temp, this.file);
    this.bytes = Buffer.byteLength(text);
    this.lines = kept.length;
  }

  private report(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    const err = e instanceof Error ? e : new Error(String(e));
    this.options.onError?.(new Error(`delivery log ${this.file}: ${err.message}`));
  }
}

function parseLine(line: string): AttemptLogEntry | undefined {
  try {
    const value = JSON.parse(line) as AttemptLogEntry;
    if (value === null || typeof value !== 'object' || typeof value.webhookId !== 'string' || typeof value.time !== 'string') return undefined;
    return boundedEntry(value);
  } catch {
    return undefined;
  }
}
