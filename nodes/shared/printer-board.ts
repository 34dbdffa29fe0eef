import type { PrinterEvent, PrinterRef } from '../../src/event';

/** One printer as the PrintHooks sidebar shows it (docs/editor.md "Sidebar"). */
export interface PrinterRow {
  /** The printer config node's id. */
  id: string;
  name: string;
  platform: string;
  /** The source nodes that follow this printer now: id and the label the editor shows. */
  sources: { id: string; name: string }[];
  /** The source's status: the link as the node shows it (leads with the cause when red). */
  connection?: { fill?: string; text: string };
  /** What the last event says the printer is doing. */
  state?: string;
  job?: { file?: string; progress?: number };
  lastEvent?: { type: string; time: string };
}

/** What an event tells about the printer's state; undefined when it says nothing new. */
const STATE_AFTER: Record<string, string> = {
  'print.started': 'printing',
  'print.progress': 'printing',
  'print.layer': 'printing',
  'print.resumed': 'printing',
  'print.paused': 'paused',
  'print.done': 'done',
  'print.failed': 'failed',
  'print.cancelled': 'cancelled',
  'printer.error': 'error',
  'printer.attention': 'needs attention',
  'printer.online': 'online',
  'printer.offline': 'offline',
};

const TEXT_LIMIT = 200;
/** Printers kept on the board, those followed now and those last seen before a redeploy. */
const KEPT_ROWS = 1000;

/**
 * Every printer config node in use, fed by its source nodes. A row lives on across a redeploy (the
 * sources detach and attach again) and is listed while at least one source follows it.
 */
class PrinterBoard {
  private readonly rows = new Map<string, PrinterRow>();

  /** A source node starts following printer config node `configId`; returns what the source reports through. */
  attach(configId: string, printer: PrinterRef, source: { id: string; name?: string }): PrinterFeed {
    let row = this.rows.get(configId);
    if (!row) {
      this.forgetDetached();
      row = { id: configId, name: '', platform: '', sources: [] };
      this.rows.set(configId, row);
    }
    row.name = cut(printer.name || printer.id);
    row.platform = printer.kind;
    const label = cut(source.name || row.name);
    row.sources = [...row.sources.filter((s) => s.id !== source.id), { id: source.id, name: label }];
    const current = row;
    return {
      status: (status) => {
        if (typeof status.text === 'string') current.connection = { fill: status.fill, text: cut(status.text) };
      },
      event: (event) => this.record(current, event),
      detach: () => {
        current.sources = current.sources.filter((s) => s.id !== source.id);
      },
    };
  }

  list(): PrinterRow[] {
    return [...this.rows.values()].filter((row) => row.sources.length > 0).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Forgets every printer (tests). */
  clear(): void {
    this.rows.clear();
  }

  /** Bounded: past KEPT_ROWS, printers no source follows any more (config nodes deleted) are forgotten. */
  private forgetDetached(): void {
    if (this.rows.size < KEPT_ROWS) return;
    for (const [id, row] of this.rows) if (row.sources.length === 0) this.rows.delete(id);
  }

  private record(row: PrinterRow, event: PrinterEvent): void {
    row.lastEvent = { type: cut(String(event.type)), time: cut(String(event.time)) };
    const state = STATE_AFTER[event.type];
    if (state) row.state = state;
    if (event.job) {
      const progress = typeof event.job.progress === 'number' && Number.isFinite(event.job.progress) ? event.job.progress : undefined;
      row.job = { file: typeof event.job.file === 'string' ? cut(event.job.file) : row.job?.file, progress: progress ?? row.job?.progress };
      if (event.type === 'print.done') row.job.progress = 100;
    }
  }
}

/** How one source node reports to the board. */
export interface PrinterFeed {
  status(status: { fill?: string; text?: unknown }): void;
  event(event: PrinterEvent): void;
  detach(): void;
}

function cut(text: string): string {
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}…` : text;
}

export const printerBoard = new PrinterBoard();
