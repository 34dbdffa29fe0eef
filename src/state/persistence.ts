import type { PrinterEvent } from '../event';
import type { JobTracker } from '../lifecycle';
import type { JobStateStore, SaveUrgency } from './job-state-store';

/**
 * Events that change nothing the tracker keeps (presence comes from the transport; messages and material or
 * nozzle changes are edges each source takes a fresh baseline for after a restart, docs/bambu.md).
 */
const NOT_TRACKED: ReadonlySet<string> = new Set(['printer.online', 'printer.offline', 'printer.message', 'printer.material_changed', 'printer.nozzle_changed']);
/** Marks that move often: written throttled (a restart may repeat one with the same id; docs/lifecycle.md). */
const MARKS: ReadonlySet<string> = new Set(['print.progress', 'print.layer']);

/**
 * Binds a monitor's JobTracker to its printer's store (job-state-store.ts). Without a store every call
 * is a no-op, so monitors use it unconditionally.
 */
export class JobStatePersistence {
  constructor(
    private readonly tracker: JobTracker,
    private readonly store: JobStateStore | undefined,
    /** Source-specific extras saved beside the tracker (plain JSON). */
    private readonly source?: () => Record<string, unknown> | undefined,
  ) {}

  /** Call before the first baseline: restores the tracker and returns the stored source extras. */
  restore(): Record<string, unknown> | undefined {
    const stored = this.store?.load();
    if (!stored) return undefined;
    this.tracker.restore(stored.tracker);
    return stored.source;
  }

  /** After a baseline: the job it found (or ended) is written at once. */
  baselineTaken(): void {
    this.save('now');
  }

  /** After a batch of events: lifecycle edges are written at once, progress/layer marks throttled. */
  emitted(events: readonly PrinterEvent[]): void {
    let urgency: SaveUrgency | undefined;
    for (const event of events) {
      if (NOT_TRACKED.has(event.type)) continue;
      if (!MARKS.has(event.type)) {
        urgency = 'now';
        break;
      }
      urgency = 'soon';
    }
    if (urgency) this.save(urgency);
  }

  private save(urgency: SaveUrgency): void {
    if (!this.store) return;
    this.store.save({ tracker: this.tracker.snapshot(), source: this.source?.() }, urgency);
  }
}
