import type { EventError, JobInfo } from './event';

/** Platform-neutral job state that every source maps its own states onto. */
export type JobState = 'idle' | 'printing' | 'paused' | 'finished' | 'failed' | 'cancelled';
export type TerminalState = 'finished' | 'failed' | 'cancelled';

/** One report from a printer, already translated by the source. Absent fields mean "unchanged". */
export interface Observation {
  state?: JobState;
  /** Identifies the job (OctoPrint path+origin+start, Moonraker job_id, Bambu task key). */
  jobKey?: string;
  file?: string;
  progress?: number;
  layer?: number;
  layers?: number;
  elapsed_s?: number;
  remaining_s?: number;
  started_at?: string;
  /** Filament used by the job so far, mm (JobInfo.filament_mm). */
  filament_mm?: number;
  /** With `failed`: what went wrong. */
  error?: EventError;
  /** Why the job paused, failed or was cancelled (machine-readable). */
  reason?: string;
  /** Errors the printer currently reports (Bambu HMS, print_error); new codes become printer.error. */
  errors?: EventError[];
  /** Current bed temperature in °C, when the platform reports it (drives printer.bed_cooled). */
  bedTemp?: number;
  time?: Date;
  raw?: unknown;
}

/** More filament than one job can use (100 km): not believed. */
const MAX_FILAMENT_MM = 1e8;

const ACTIVE: ReadonlySet<JobState> = new Set<JobState>(['printing', 'paused']);

export function isActive(state: JobState | undefined): boolean {
  return state !== undefined && ACTIVE.has(state);
}

export function isTerminalState(state: JobState | undefined): state is TerminalState {
  return state === 'finished' || state === 'failed' || state === 'cancelled';
}

/** The job info with what an observation reports about the job laid over it; absent fields keep their value. */
export function mergeJobInfo(info: JobInfo, obs: Omit<Observation, 'state' | 'jobKey'>): JobInfo {
  const merged: JobInfo = { ...info };
  if (obs.file !== undefined) merged.file = obs.file;
  if (obs.progress !== undefined && Number.isFinite(obs.progress)) merged.progress = clampPercent(obs.progress);
  if (obs.layer !== undefined) merged.layer = obs.layer;
  if (obs.layers !== undefined) merged.layers = obs.layers;
  if (obs.elapsed_s !== undefined) merged.elapsed_s = obs.elapsed_s;
  if (obs.remaining_s !== undefined) merged.remaining_s = obs.remaining_s;
  if (obs.started_at !== undefined) merged.started_at = obs.started_at;
  // A job's used filament only grows: a printer that resets its counter at the end (Klipper's
  // SDCARD_RESET_FILE) does not take back what the job used.
  const filament = obs.filament_mm;
  if (filament !== undefined && Number.isFinite(filament) && filament > (merged.filament_mm ?? 0) && filament <= MAX_FILAMENT_MM) merged.filament_mm = filament;
  return merged;
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, Math.round(value * 100) / 100));
}
