import type { JobState, Observation, TerminalState } from '../../lifecycle';
import type { EventError } from '../../event';
import { isFilamentSensor, TIMELAPSE_MACRO } from './objects';
import type { PrinterObjects } from './merge';

/** print_stats.state values from which a move to printing starts a job (Moonraker job_state.py rules). */
const IDLE_RAW: ReadonlySet<string> = new Set(['standby', 'complete', 'cancelled', 'error']);

const RAW_TO_STATE: Record<string, JobState> = {
  standby: 'idle',
  printing: 'printing',
  paused: 'paused',
  complete: 'finished',
  cancelled: 'cancelled',
  error: 'failed',
};

/** What the slicer metadata says about the file being printed (server.files.metadata). */
export interface FileMetadata {
  gcode_start_byte?: number;
  gcode_end_byte?: number;
  estimated_time?: number;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function rawPrintState(objects: PrinterObjects): string | undefined {
  return str(objects.print_stats?.state);
}

export function isIdleRaw(raw: string | undefined): boolean {
  return raw === undefined || IDLE_RAW.has(raw);
}

/**
 * Does going from `prev` to `next` start a job? From any idle state, every new state but standby does
 * (a job too short to be seen printing is started first, then ended); from paused, printing another
 * file is a new job too.
 */
export function isStartEdge(prev: string | undefined, next: string | undefined, prevFile?: string, nextFile?: string): boolean {
  if (next === undefined || next === prev) return false;
  if (isIdleRaw(prev)) return next !== 'standby' && prev !== undefined;
  return prev === 'paused' && next === 'printing' && prevFile !== undefined && nextFile !== undefined && prevFile !== nextFile;
}

export function timelapsePaused(objects: PrinterObjects): boolean {
  return objects[TIMELAPSE_MACRO]?.is_paused === true;
}

/** The name of an enabled filament sensor reporting no filament, if any. */
export function runoutSensor(objects: PrinterObjects): string | undefined {
  for (const [name, fields] of Object.entries(objects)) {
    if (!isFilamentSensor(name)) continue;
    if (fields.enabled !== false && fields.filament_detected === false) return name.slice(name.indexOf(' ') + 1);
  }
  return undefined;
}

export function jobStateOf(objects: PrinterObjects): JobState | undefined {
  const raw = rawPrintState(objects);
  if (raw === undefined) return undefined;
  // A timelapse frame parks the head through PAUSE; that is not a user-visible pause.
  if (raw === 'paused' && timelapsePaused(objects)) return 'printing';
  return RAW_TO_STATE[raw];
}

/** Percent 0..100: file position within the G-code body when metadata says where it is, else virtual_sdcard. */
export function progressPercent(objects: PrinterObjects, meta?: FileMetadata): number | undefined {
  const sd = objects.virtual_sdcard;
  if (!sd) return undefined;
  const position = num(sd.file_position);
  const start = num(meta?.gcode_start_byte);
  const end = num(meta?.gcode_end_byte);
  if (position !== undefined && start !== undefined && end !== undefined && end > start) {
    return Math.min(100, Math.max(0, ((position - start) / (end - start)) * 100));
  }
  const fraction = num(sd.progress);
  return fraction === undefined ? undefined : Math.min(100, Math.max(0, fraction * 100));
}

/** Translates the cached printer objects into one tracker observation (no state change = no `state`). */
export function observationFrom(objects: PrinterObjects, meta?: FileMetadata, jobKey?: string): Observation {
  const ps = objects.print_stats ?? {};
  const state = jobStateOf(objects);
  const info = (typeof ps.info === 'object' && ps.info !== null ? ps.info : {}) as Record<string, unknown>;
  const currentLayer = num(info.current_layer);
  const totalLayer = num(info.total_layer);
  const printDuration = num(ps.print_duration);
  const totalDuration = num(ps.total_duration);
  const progress = progressPercent(objects, meta);
  const obs: Observation = {
    state,
    jobKey,
    file: str(ps.filename),
    progress,
    // Layer 0 is "not started yet"; the first layer counts from 1 (docs/lifecycle.md: first layer done = layer 2).
    layer: currentLayer !== undefined && currentLayer >= 1 ? currentLayer : undefined,
    layers: totalLayer !== undefined && totalLayer >= 1 ? totalLayer : undefined,
    elapsed_s: totalDuration !== undefined ? Math.round(totalDuration) : undefined,
    remaining_s: remainingSeconds(printDuration, progress, meta),
    bedTemp: num(objects.heater_bed?.temperature),
  };
  const filament = filamentMm(ps.filament_used);
  if (filament !== undefined) obs.filament_mm = filament;
  // Huge but finite inputs can still overflow a sum or product: an event carries finite numbers only.
  if (obs.remaining_s !== undefined && !Number.isFinite(obs.remaining_s)) obs.remaining_s = undefined;
  if (obs.elapsed_s !== undefined && !Number.isFinite(obs.elapsed_s)) obs.elapsed_s = undefined;
  if (state === 'failed') obs.error = printError(str(ps.message));
  if (state === 'paused' && runoutSensor(objects) !== undefined) obs.reason = 'filament_runout';
  return obs;
}

/** print_stats.filament_used and a history entry's filament_used: mm extruded by the job, 0.1 mm steps; 0 = none yet. */
export function filamentMm(value: unknown): number | undefined {
  const mm = num(value);
  return mm !== undefined && mm > 0 ? Math.round(mm * 10) / 10 : undefined;
}

function remainingSeconds(printDuration: number | undefined, progress: number | undefined, meta?: FileMetadata): number | undefined {
  if (printDuration === undefined) return undefined;
  const estimate = num(meta?.estimated_time);
  if (estimate !== undefined && estimate > 0) return Math.max(0, Math.round(estimate - printDuration));
  if (progress !== undefined && progress >= 1 && printDuration > 0) {
    return Math.max(0, Math.round((printDuration * 100) / progress - printDuration));
  }
  return undefined;
}

export function printError(message: string | undefined): EventError {
  return { code: 'print_error', message: message ?? 'Print failed', severity: 'fatal' };
}

/** History job statuses (history.md, plus the undocumented server_exit) to the tracker's terminal states. */
export function historyOutcome(status: unknown): { outcome: TerminalState; reason?: string } | undefined {
  switch (status) {
    case 'completed':
      return { outcome: 'finished' };
    case 'cancelled':
      return { outcome: 'cancelled', reason: 'cancelled' };
    case 'error':
    case 'klippy_shutdown':
    case 'klippy_disconnect':
    case 'interrupted':
    case 'server_exit':
      return { outcome: 'failed', reason: status };
    default:
      return undefined;
  }
}
