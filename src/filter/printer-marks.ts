/**
 * What the filter remembers, one entry per printer (docs/filter.md, "Per printer"): the job it is
 * following, the highest milestone that job has passed, whether it has ended, its time marks (time step,
 * remaining below) and the cooldown stamps.
 * A new job id resets the job marks; the terminal event ends them. Bounded by the number of printers,
 * with a safety cap that evicts only the printers idle the longest.
 */
export interface PrinterEntry {
  /** The job the marks belong to ('' = none yet). */
  job: string;
  /** Highest milestone this job has passed (0 = none). */
  milestone: number;
  /** The job has ended: its late progress no longer passes. */
  ended: boolean;
  /** When a progress event of this job last passed the time step, or when the timing began (epoch ms). */
  progressAt?: number;
  /** The same for layer events. */
  layerAt?: number;
  /** The "time remaining below" event of this job has passed. */
  remainingSent?: boolean;
  /** Event type -> when it last passed the cooldown (epoch ms); absent while there is none. */
  cooldown?: Map<string, number>;
}

/**
 * Far above any farm one Node-RED serves (docs/filter.md); reached by a flood of made-up printer ids,
 * where it holds memory near 5 MB and the state file near 1.5 MB (bench/filter.bench.ts).
 */
export const DEFAULT_PRINTER_CAP = 10_000;

export interface PrinterMarksOptions {
  cap?: number;
  /** Told when the cap pushes out the printer idle the longest. */
  onEvict?: (printerId: string) => void;
  /** Told after any entry changed (the node writes the state file, throttled). */
  onChange?: () => void;
}

export class PrinterMarks {
  // Map order is the order of last activity: the first key is the printer idle the longest.
  private readonly byPrinter = new Map<string, PrinterEntry>();
  private readonly cap: number;

  constructor(private readonly options: PrinterMarksOptions = {}) {
    this.cap = Math.max(1, options.cap ?? DEFAULT_PRINTER_CAP);
  }

  get size(): number {
    return this.byPrinter.size;
  }

  /** Read without counting as activity. */
  peek(printerId: string): PrinterEntry | undefined {
    return this.byPrinter.get(printerId);
  }

  /** The printer's entry, now the most recently active; created when missing. */
  touch(printerId: string): PrinterEntry {
    let entry = this.byPrinter.get(printerId);
    if (entry) {
      this.byPrinter.delete(printerId);
    } else {
      entry = { job: '', milestone: 0, ended: false };
    }
    this.byPrinter.set(printerId, entry);
    this.evictBeyondCap();
    return entry;
  }

  /** Follow the job of a print.* event: a new job id starts over, a terminal event ends the job. */
  followJob(entry: PrinterEntry, jobId: string, started: boolean, terminal: boolean): void {
    if (entry.job !== jobId || (started && entry.ended)) {
      entry.job = jobId;
      entry.milestone = 0;
      entry.ended = terminal;
      delete entry.progressAt;
      delete entry.layerAt;
      delete entry.remainingSent;
      this.changed();
    } else if (terminal && !entry.ended) {
      entry.ended = true;
      this.changed();
    }
  }

  changed(): void {
    this.options.onChange?.();
  }

  /** Entries from the printer idle the longest to the most recent. */
  entries(): IterableIterator<[string, PrinterEntry]> {
    return this.byPrinter.entries();
  }

  /** Put back an entry read from the state file (in file order, oldest activity first). */
  restore(printerId: string, entry: PrinterEntry): void {
    this.byPrinter.delete(printerId);
    this.byPrinter.set(printerId, entry);
    this.evictBeyondCap();
  }

  private evictBeyondCap(): void {
    while (this.byPrinter.size > this.cap) {
      const oldest = this.byPrinter.keys().next();
      if (oldest.done) return;
      this.byPrinter.delete(oldest.value);
      this.options.onEvict?.(oldest.value);
    }
  }
}
