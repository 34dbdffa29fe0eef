import type { JobStateStore, SaveUrgency, StoredJobState } from './job-state-store';
import { STATE_FORMAT, STATE_VERSION, StateFileProblem, validateStateFile, type StateFile } from './validate';

/** Where a database-backed store reads and writes (src/delivery/postgres/printer-lease.ts). */
export interface JobStateTable {
  loadState(printer: string): Promise<unknown>;
  saveState(printer: string, owner: string, state: unknown): Promise<boolean>;
  deleteState(printer: string): Promise<void>;
}

/**
 * One printer's job state in the shared database (docs/scale.md, "Printers"), for printers whose config
 * node names a PostgreSQL store: the same JSON as the file store (validate.ts). The instance that owns the
 * printer `preload`s it before its source starts (load() stays synchronous for the monitors), and every
 * save goes out at once, in order, written only while that instance still holds the printer's lease.
 */
export class DatabaseJobStateStore implements JobStateStore {
  private latest: StoredJobState | undefined;
  private table: JobStateTable | undefined;
  private owner = '';
  private writing: Promise<void> = Promise.resolve();
  private pending: StoredJobState | undefined;
  private closed = false;
  private lastError: string | undefined;

  constructor(private readonly options: { key: string; printer: { id: string; kind: string }; warn?: (message: string) => void }) {}

  /** Called by the owner before its source starts: reads the state the last owner left. */
  async preload(table: JobStateTable, owner: string): Promise<void> {
    this.table = table;
    this.owner = owner;
    this.pending = undefined;
    const raw = await table.loadState(this.options.key);
    this.latest = undefined;
    if (raw === undefined || raw === null) return;
    try {
      this.latest = validateStateFile(raw, this.options.printer);
    } catch (e) {
      const why = e instanceof StateFileProblem ? `${e.kind} (${e.message})` : String(e);
      this.options.warn?.(`job state in the database for ${this.options.printer.id} is ${why}; starting from a fresh baseline`);
    }
  }

  /** Ownership lost: nothing more is written from this instance. */
  detach(): void {
    this.table = undefined;
    this.pending = undefined;
  }

  load(): StoredJobState | undefined {
    return this.latest ? structuredClone(this.latest) : undefined;
  }

  save(state: StoredJobState, _urgency: SaveUrgency): void {
    if (this.closed) return;
    this.latest = state;
    if (!this.table) return;
    // written at once whatever the urgency: the next owner may start any second (docs/scale.md)
    const first = this.pending === undefined;
    this.pending = state;
    if (first) this.writing = this.writing.then(() => this.writePending());
  }

  private async writePending(): Promise<void> {
    const state = this.pending;
    const table = this.table;
    this.pending = undefined;
    if (!state || !table) return;
    const body: StateFile = { format: STATE_FORMAT, version: STATE_VERSION, printer: { id: this.options.printer.id, kind: this.options.printer.kind }, savedAt: new Date().toISOString(), ...state };
    try {
      await table.saveState(this.options.key, this.owner, body);
      this.lastError = undefined;
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      if (text !== this.lastError) this.options.warn?.(`job state: could not write to the database (${text}); a takeover now may miss or repeat an event of ${this.options.printer.id}`);
      this.lastError = text;
    }
  }

  async flush(): Promise<void> {
    await this.writing;
  }

  async close(removed: boolean): Promise<void> {
    await this.flush();
    this.closed = true;
    if (removed && this.table) await this.table.deleteState(this.options.key).catch(() => undefined);
  }
}
