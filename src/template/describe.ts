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
  out.push(...printerFacts(event));
  return out;
}

/** The facts of the printer-information events: message, material, nozzle, maintenance. */
function printerFacts(event: PrinterEvent): Fact[] {
  const out: Fact[] = [];
  const { message: msg, material, nozzle, maintenance } = event;
  if (msg?.text) out.push({ label: 'Message', value: msg.text });
  if (material) {
    const kind = materialText(event);
    if (kind) out.push({ label: 'Material', value: kind });
    if (material.tray) out.push({ label: 'Loaded from', value: material.tray });
    if (typeof material.spool_id === 'number') out.push({ label: 'Spool', value: `#${material.spool_id}` });
  }
  if (nozzle) {
    const text = nozzleText(event);
    if (text) out.push({ label: 'Nozzle', value: text });
  }
  if (maintenance?.task) {
    out.push({ label: 'Task', value: maintenance.task });
    const due = maintenanceText(event);
    if (due) out.push({ label: 'Rule', value: due });
  }
  return out;
}

/** "PLA Basic (PLA, #FF6A13)", "PETG", "#000000". */
function materialText(event: PrinterEvent): string {
  const m = event.material;
  if (!m) return '';
  const details = [m.type, m.color].filter((v): v is string => typeof v === 'string' && v !== '');
  if (m.name && m.name !== m.type) return details.length > 0 ? `${m.name} (${details.join(', ')})` : m.name;
  return details.join(', ');
}

/** "0.4 mm hardened steel". */
function nozzleText(event: PrinterEvent): string {
  const n = event.nozzle;
  if (!n) return '';
  return [typeof n.diameter === 'number' ? `${n.diameter} mm` : '', n.type?.replace(/_/g, ' ') ?? ''].filter(Boolean).join(' ');
}

const COUNTERS: Record<string, string> = { print_hours: 'print hours', jobs: 'jobs', filament_m: 'm of filament' };

/** "every 200 print hours, now 201.5". */
function maintenanceText(event: PrinterEvent): string {
  const m = event.maintenance;
  if (!m || typeof m.every !== 'number') return '';
  const unit = COUNTERS[m.counter] ?? String(m.counter ?? '');
  const now = typeof m.value === 'number' ? `, now ${Math.round(m.value * 10) / 10}` : '';
  return `every ${m.every} ${unit}${now}`;
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
  if (event.type === 'print.progress' && event.reason === 'remaining_below' && typeof job?.remaining_s === 'number') {
    text += ` — ${formatDuration(job.remaining_s)} left`;
    return text;
  }
  const info = informationText(event);
  if (info) text += `: ${info}`;
  if (event.error?.message) text += ` — ${event.error.message}`;
  else if (event.reason && event.type !== 'print.progress') text += ` — ${event.reason.replace(/_/g, ' ')}`;
  return text;
}

/** What a printer-information event says, for the one-line summary. */
function informationText(event: PrinterEvent): string {
  switch (event.type) {
    case 'printer.message':
      return event.message?.text ?? '';
    case 'printer.material_changed': {
      const text = materialText(event);
      return event.material?.tray && text ? `${text} in ${event.material.tray}` : text;
    }
    case 'printer.nozzle_changed':
      return nozzleText(event);
    case 'printer.maintenance_due': {
      const rule = maintenanceText(event);
      return event.maintenance?.task ? `${event.maintenance.task}${rule ? ` (${rule})` : ''}` : '';
    }
    default:
      return '';
  }
}

/** Multi-line text for push and chat bodies: the summary line, then the printer. */
export function message(event: PrinterEvent): string {
  return `${summary(event)}\nPrinter: ${event.printer.name}`;
}

export function epochSeconds(time: string): number {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : Math.floor(Date.now() / 1000);
}
