import type { EventType, PrinterEvent } from '../event';

/**
 * Human wording shared by the chat and push presets: one headline per event type, the facts worth
 * showing, and a colour / emoji / priority per kind of news.
 */
const HEADLINES: Record<EventType, string> = {
  'print.started': 'Print started',
  'print.progress': 'Print progress',
  'print.layer': 'New layer',
  'print.paused': 'Print paused',
  'print.resumed': 'Print resumed',
  'print.done': 'Print finished',
  'print.failed': 'Print failed',
  'print.cancelled': 'Print cancelled',
  'printer.error': 'Printer error',
  'printer.attention': 'Printer needs attention',
  'printer.online': 'Printer online',
  'printer.offline': 'Printer offline',
  'printer.bed_cooled': 'Bed cooled down',
  'printer.message': 'Printer message',
  'printer.material_changed': 'Material changed',
  'printer.nozzle_changed': 'Nozzle changed',
  'printer.maintenance_due': 'Maintenance due',
  test: 'Test notification',
};

export type Tone = 'good' | 'bad' | 'warn' | 'info';

const TONES: Record<EventType, Tone> = {
  'print.started': 'info',
  'print.progress': 'info',
  'print.layer': 'info',
  'print.paused': 'warn',
  'print.resumed': 'info',
  'print.done': 'good',
  'print.failed': 'bad',
  'print.cancelled': 'warn',
  'printer.error': 'bad',
  'printer.attention': 'warn',
  'printer.online': 'good',
  'printer.offline': 'warn',
  'printer.bed_cooled': 'good',
  'printer.message': 'info',
  'printer.material_changed': 'info',
  'printer.nozzle_changed': 'info',
  'printer.maintenance_due': 'warn',
  test: 'info',
};

export function headline(event: PrinterEvent): string {
  return HEADLINES[event.type] ?? String(event.type);
}

export function tone(event: PrinterEvent): Tone {
  return TONES[event.type] ?? 'info';
}

/** "2h 13m", "4m 05s", "12s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

export function formatPercent(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

export interface Fact {
  label: string;
  value: string;
}

/** The facts worth a line each, in reading order; absent values are left out. */
export function facts(event: PrinterEvent): Fact[] {
  const out: Fact[] = [];
  const job = event.job;
  if (job?.file) out.push({ label: 'File', value: job.file });
  if (typeof job?.progress === 'number') out.push({ label: 'Progress', value: formatPercent(job.progress) });
  if (typeof job?.layer === 'number') out.push({ label: 'Layer', value: typeof job.layers === 'number' ? `${job.layer} / ${job.layers}` : String(job.layer) });
  if (typeof job?.elapsed_s === 'number') out.push({ label: 'Elapsed', value: formatDuration(job.elapsed_s) });
  if (typeof job?.remaining_s === 'number' && !isTerminal(event)) out.push({ label: 'Remaining', value: formatDuration(job.remaining_s) });
  if (event.error?.message) out.push({ label: 'Error', value: event.error.code ? `${event.error.code}: ${event.error.message}` : event.error.message });
  if (event.reason) out.push({ label: 'Reason', value: event.reason.replace(/_/g, ' ') });
  return out;
}

function isTerminal(event: PrinterEvent): boolean {
  return event.type === 'print.done' || event.type === 'print.failed' || event.type === 'print.cancelled';
}

/** One line: "Print finished: benchy.gcode (2h 13m)". */
export function summary(event: PrinterEvent): string {
  const job = event.job;
  let text = headline(event);
  if (job?.file) text += `: ${job.file}`;
  if (event.type === 'print.progress' && typeof job?.progress === 'number') text += ` at ${formatPercent(job.progress)}`;
  else if (event.type === 'print.layer' && typeof job?.layer === 'number') text += ` (layer ${job.layer}${typeof job.layers === 'number' ? ` of ${job.layers}` : ''})`;
  else if (isTerminal(event) && typeof job?.elapsed_s === 'number') text += ` (${formatDuration(job.elapsed_s)})`;
  if (event.error?.message) text += ` — ${event.error.message}`;
  else if (event.reason && event.type !== 'print.progress') text += ` — ${event.reason.replace(/_/g, ' ')}`;
  return text;
}

/** Multi-line text for push and chat bodies: the summary line, then the printer. */
export function message(event: PrinterEvent): string {
  return `${summary(event)}\nPrinter: ${event.printer.name}`;
}

export function epochSeconds(time: string): number {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : Math.floor(Date.now() / 1000);
}
