import { readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { replaceFileAtomically } from './atomic-file';
import type { JobStateStore, JobStateStoreOptions, SaveUrgency, StoredJobState } from './job-state-store';
import { STATE_FORMAT, STATE_VERSION, StateFileProblem, validateStateFile, type StateFile } from './validate';

/** A state file larger than this is not ours (ours are a few KB). */
const MAX_FILE_BYTES = 1024 * 1024;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One printer's job state in one JSON file (see job-state-store.ts). The latest state lives in memory;
 * writes go out one at a time, `now` saves immediately, `soon` saves at most once per throttle period.
 */
export class FileJobStateStore implements JobStateStore {
  readonly file: string;
  private latest: StoredJobState | undefined;
  private loaded = false;
  private dirty = false;
  /** A `now` save waits: write right after the running write instead of after the throttle period. */
  private urgent = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastWriteAt = 0;
  private lastWriteError: string | undefined;
  private readonly throttleMs: number;

  constructor(private readonly options: JobStateStoreOptions) {
    this.file = path.join(options.dir, `${options.key.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
    this.throttleMs = Math.max(0, options.throttleMs ?? 10_000);
  }

  load(): StoredJobState | undefined {
    if (!this.loaded) {
      this.loaded = true;
      this.latest = this.readFile();
    }
    return this.latest ? structuredClone(this.latest) : undefined;
  }

  save(state: StoredJobState, urgency: SaveUrgency): void {
    if (this.closed) return;
    this.loaded = true;
    this.latest = state;
    this.dirty = true;
    if (urgency === 'now') {
      this.urgent = true;
      this.clearTimer();
      this.kick();
    } else {
      this.schedule();
    }
  }

  async flush(): Promise<void> {
    while (this.dirty || this.inFlight) {
      this.clearTimer();
      this.kick();
      await this.inFlight;
    }
  }

  async close(removed: boolean): Promise<void> {
    if (removed) {
      this.closed = true;
      this.clearTimer();
      this.dirty = false;
      while (this.inFlight) await this.inFlight;
      await fs.rm(this.file, { force: true }).catch((err: unknown) => this.options.warn?.(`job state: could not delete ${this.file}: ${message(err)}`));
      return;
    }
    await this.flush();
    this.closed = true;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A throttled write: once the throttle period since the last write has passed. */
  private schedule(): void {
    if (this.timer || this.inFlight) return; // a running write schedules what it leaves behind
    const wait = Math.max(0, this.lastWriteAt + this.throttleMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, wait);
    this.timer.unref?.();
  }

  /** Writes the latest state unless a write runs; what arrives meanwhile is written (or scheduled) after it. */
  private kick(): void {
    if (this.inFlight || !this.dirty) return;
    this.inFlight = this.writeLatest().finally(() => {
      this.inFlight = undefined;
      if (!this.dirty || this.closed) return;
      if (this.urgent) this.kick();
      else this.schedule();
    });
  }

  private async writeLatest(): Promise<void> {
    if (!this.latest) return;
    this.dirty = false;
    this.urgent = false;
    const body: StateFile = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      printer: { id: this.options.printer.id, kind: this.options.printer.kind },
      savedAt: new Date().toISOString(),
      ...this.latest,
    };
    try {
      await replaceFileAtomically(this.file, `${JSON.stringify(body)}\n`);
      this.lastWriteError = undefined;
    } catch (err) {
      // Said once per distinct cause, not on every edge: the printer keeps working without persistence.
      const text = message(err);
      if (text !== this.lastWriteError) this.options.warn?.(`job state: could not write ${this.file} (${text}); a restart now may miss or repeat an event of ${this.options.printer.id}`);
      this.lastWriteError = text;
    }
    this.lastWriteAt = Date.now();
  }

  /** The stored state, or undefined; a broken or foreign file is renamed aside with a warning, never thrown. */
  private readFile(): StoredJobState | undefined {
    this.removeStaleTemporaries();
    let text: string;
    try {
      if (statSync(this.file).size > MAX_FILE_BYTES) return this.setAside(new StateFileProblem('corrupt', `larger than ${MAX_FILE_BYTES} bytes`));
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.options.warn?.(`job state: could not read ${this.file} (${message(err)}); starting from a fresh baseline`);
      return undefined;
    }
    try {
      return validateStateFile(JSON.parse(text), this.options.printer);
    } catch (err) {
      return this.setAside(err instanceof StateFileProblem ? err : new StateFileProblem('corrupt', `not JSON (${message(err)})`));
    }
  }

  /** Temporary files of writes cut short by a crash of an earlier process (atomic-file.ts): never read, removed. */
  private removeStaleTemporaries(): void {
    const prefix = `${path.basename(this.file)}.tmp-`;
    let names: string[];
    try {
      names = readdirSync(this.options.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || name === `${prefix}${process.pid}`) continue;
      try {
        unlinkSync(path.join(this.options.dir, name));
      } catch {
        // Someone else's file or already gone: it is never read either way.
      }
    }
  }

  private setAside(problem: StateFileProblem): undefined {
    const aside = `${this.file}.${problem.kind}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(this.file, aside);
      this.options.warn?.(`job state: ${this.file} is ${problem.kind} (${problem.message}); set aside as ${path.basename(aside)}, ${this.options.printer.id} starts from a fresh baseline`);
    } catch (err) {
      this.options.warn?.(`job state: ${this.file} is ${problem.kind} (${problem.message}) and could not be set aside (${message(err)}); it is ignored`);
    }
    return undefined;
  }
}
