import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { replaceFileAtomically } from '../state/atomic-file';
import type { OdometerState } from './odometer';

const FORMAT = 'printhooks-odometer';
const VERSION = 1;
/** Ours are a few KB; anything larger is not read. */
const MAX_FILE_BYTES = 256 * 1024;

export function odometerDir(userDir: string): string {
  return path.join(userDir, 'printhooks', 'odometer');
}

/**
 * One printer config node's odometer in `<dir>/<node id>.json`, replaced atomically. Writes go out one at
 * a time and the latest state wins; a damaged file is set aside as `.bad` and counting starts again.
 */
export class OdometerFile {
  readonly file: string;
  private latest: OdometerState | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(dir: string, key: string, private readonly warn: (message: string) => void = () => undefined) {
    this.file = path.join(dir, `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  load(): OdometerState | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(`odometer: could not read the odometer file (${(err as NodeJS.ErrnoException).code ?? 'error'}); counting starts at zero`);
      return undefined;
    }
    const state = text.length <= MAX_FILE_BYTES ? parse(text) : undefined;
    if (!state) {
      this.warn('odometer: the odometer file is damaged; it is kept as .bad and counting starts at zero');
      void fs.rename(this.file, `${this.file}.bad`).catch(() => undefined);
    }
    return state;
  }

  save(state: OdometerState): void {
    if (this.closed) return;
    this.latest = structuredClone(state);
    this.kick();
  }

  /** Waits for the writes asked for so far. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Flushes, or deletes the file when its config node was removed. */
  async close(removed: boolean): Promise<void> {
    if (removed) {
      this.closed = true;
      this.latest = undefined;
      await this.flush();
      await fs.rm(this.file, { force: true }).catch(() => undefined);
      return;
    }
    await this.flush();
    this.closed = true;
  }

  private kick(): void {
    if (this.writing || !this.latest) return;
    const state = this.latest;
    this.latest = undefined;
    this.writing = replaceFileAtomically(this.file, JSON.stringify({ format: FORMAT, version: VERSION, ...state }))
      .catch((err: unknown) => this.warn(`odometer: could not save (${(err as NodeJS.ErrnoException).code ?? 'error'}); the counts since the last save are lost on a restart`))
      .finally(() => {
        this.writing = undefined;
        this.kick();
      });
  }
}

function parse(text: string): OdometerState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (r.format !== FORMAT || r.version !== VERSION) return undefined;
  if (!count(r.print_s) || !count(r.jobs) || !count(r.filament_m)) return undefined;
  if (r.rules === null || typeof r.rules !== 'object' || Array.isArray(r.rules)) return undefined;
  const rules: OdometerState['rules'] = {};
  for (const [key, mark] of Object.entries(r.rules as Record<string, unknown>)) {
    const m = mark as Record<string, unknown> | null;
    if (!m || typeof m !== 'object' || !count(m.baseline) || typeof m.due !== 'boolean') return undefined;
    rules[key] = { baseline: m.baseline as number, due: m.due };
  }
  const state: OdometerState = { print_s: r.print_s as number, jobs: r.jobs as number, filament_m: r.filament_m as number, rules };
  if (r.ended !== undefined) {
    if (!Array.isArray(r.ended) || r.ended.length > 64 || !r.ended.every((id) => typeof id === 'string' && id.length <= 512)) return undefined;
    state.ended = r.ended as string[];
  }
  const job = r.job as Record<string, unknown> | undefined;
  if (job !== undefined) {
    if (!job || typeof job !== 'object' || typeof job.id !== 'string' || !count(job.counted_s)) return undefined;
    if (job.since !== undefined && !count(job.since)) return undefined;
    state.job = { id: job.id, counted_s: job.counted_s as number, ...(job.since !== undefined ? { since: job.since as number } : {}) };
  }
  return state;
}

function count(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
