import { createHash } from 'node:crypto';

/** Every event type a PrintHooks source or button can emit (docs/events.md). */
export const EVENT_TYPES = [
  'print.started',
  'print.progress',
  'print.layer',
  'print.paused',
  'print.resumed',
  'print.done',
  'print.failed',
  'print.cancelled',
  'printer.error',
  'printer.attention',
  'printer.online',
  'printer.offline',
  'printer.bed_cooled',
  'printer.message',
  'printer.material_changed',
  'printer.nozzle_changed',
  'printer.maintenance_due',
  'test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The events that end a job: exactly one of them per job. */
export const TERMINAL_TYPES: readonly EventType[] = ['print.done', 'print.failed', 'print.cancelled'];

export type PrinterKind = 'octoprint' | 'moonraker' | 'bambu' | 'prusalink' | 'elegoo' | 'creality' | 'test';

export interface PrinterRef {
  id: string;
  name: string;
  kind: PrinterKind;
}

export interface JobInfo {
  id: string;
  file?: string;
  progress?: number;
  elapsed_s?: number;
  remaining_s?: number;
  layer?: number;
  layers?: number;
  started_at?: string;
  /**
   * Filament the job has used so far, in mm, where the platform reports it (Moonraker `filament_used`);
   * OctoPrint's is the file's estimate and only on print.done (docs/events.md "Filament").
   */
  filament_mm?: number;
}

export type ErrorSeverity = 'info' | 'warning' | 'error' | 'fatal';

export interface EventError {
  code?: string;
  message: string;
  severity?: ErrorSeverity;
  url?: string;
}

/** printer.message: text the printer shows to a person (M117, action:notification, Klipper RESPOND). */
export interface PrinterMessage {
  text: string;
  /** Where it came from: `M117`, `action:notification`, `action:prompt`, `RESPOND`, `bambu` … */
  source?: string;
  level?: 'info' | 'warning' | 'error';
}

/** printer.material_changed: the filament now loaded (the fields the platform reports). */
export interface MaterialInfo {
  type?: string;
  /** `#RRGGBB` (alpha dropped). */
  color?: string;
  /** Where it is loaded from: an AMS tray (`ams0/tray2`), `external`, a Spoolman spool id … */
  tray?: string;
  name?: string;
  spool_id?: number;
}

/** printer.nozzle_changed: the nozzle the printer reports. */
export interface NozzleInfo {
  diameter?: number;
  type?: string;
}

/** printer.maintenance_due: a maintenance rule on the printer's odometer was crossed. */
export interface MaintenanceInfo {
  /** The rule's text, e.g. `lubricate rods`. */
  task: string;
  /** What the rule counts: print hours, finished jobs or filament metres. */
  counter: 'print_hours' | 'jobs' | 'filament_m';
  every: number;
  /** The counter's value when the rule was crossed. */
  value: number;
}

export interface PrinterEvent {
  id: string;
  type: EventType;
  time: string;
  printer: PrinterRef;
  job?: JobInfo;
  error?: EventError;
  reason?: string;
  message?: PrinterMessage;
  material?: MaterialInfo;
  nozzle?: NozzleInfo;
  maintenance?: MaintenanceInfo;
  /** A camera image captured at the event (docs/events.md "Snapshots"): a reference, never the bytes. */
  snapshot?: { id: string; content_type: string; bytes: number; captured_at: string };
  raw?: unknown;
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

export function isTerminalType(type: EventType): boolean {
  return TERMINAL_TYPES.includes(type);
}

/**
 * Deterministic event id: the same printer, job, type and discriminator (progress percent, layer,
 * error code, …) always give the same id, so receivers can dedupe an event seen again after a
 * reconnect, redeploy or restart. A SHA-256 over an unambiguous encoding, not a counter.
 */
export function eventId(
  printerId: string,
  jobId: string | undefined,
  type: EventType,
  discriminator?: string | number,
): string {
  const material = JSON.stringify([printerId, jobId ?? null, type, discriminator ?? null]);
  const digest = createHash('sha256').update(material).digest('base64url');
  return `evt_${digest.slice(0, 27)}`;
}

export interface EventParts {
  type: EventType;
  printer: PrinterRef;
  time?: Date | string;
  job?: JobInfo;
  error?: EventError;
  reason?: string;
  message?: PrinterMessage;
  material?: MaterialInfo;
  nozzle?: NozzleInfo;
  maintenance?: MaintenanceInfo;
  raw?: unknown;
  /** Distinguishes several events of one type within a job (percent, layer, error code). */
  discriminator?: string | number;
}

/** Builds a canonical event with its id, dropping absent values rather than writing nulls. */
export function buildEvent(parts: EventParts): PrinterEvent {
  const time = parts.time instanceof Date ? parts.time.toISOString() : parts.time ?? new Date().toISOString();
  const event: PrinterEvent = {
    id: eventId(parts.printer.id, parts.job?.id, parts.type, parts.discriminator),
    type: parts.type,
    time,
    printer: { ...parts.printer },
  };
  if (parts.job) event.job = compact(parts.job);
  if (parts.error) event.error = compact(parts.error);
  if (parts.reason !== undefined && parts.reason !== '') event.reason = parts.reason;
  if (parts.message) event.message = compact(parts.message);
  if (parts.material) event.material = compact(parts.material);
  if (parts.nozzle) event.nozzle = compact(parts.nozzle);
  if (parts.maintenance) event.maintenance = compact(parts.maintenance);
  if (parts.raw !== undefined) event.raw = parts.raw;
  return event;
}

/** Copies an object without its undefined, null, NaN and empty-string values. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    out[key] = v;
  }
  return out as T;
}
