import type { JobState, Observation } from '../../lifecycle';
import { isRunoutCode, printErrorCode } from './codes';
import type { BambuState } from './merge';
import { isoFromEpochSeconds } from '../plausible';

const STATES: Record<string, JobState> = {
  IDLE: 'idle',
  PREPARE: 'printing',
  SLICING: 'printing',
  RUNNING: 'printing',
  PAUSE: 'paused',
  FINISH: 'finished',
  FAILED: 'failed',
};

/** Pause stages (stg_cur) that wait for a person, with the reason they carry. */
const ATTENTION_STAGES: Record<number, string> = { 6: 'filament_runout', 16: 'user_pause', 30: 'gcode_pause' };

/** gcode_state → the shared job state; INIT, OFFLINE and unknown values mean "unchanged". */
export function jobStateOf(gcodeState: unknown): JobState | undefined {
  return typeof gcodeState === 'string' ? STATES[gcodeState.toUpperCase()] : undefined;
}

/** The states in which a job is under way on the printer (PREPARE/SLICING/RUNNING/PAUSE). */
export function isActiveRaw(gcodeState: unknown): boolean {
  const state = jobStateOf(gcodeState);
  return state === 'printing' || state === 'paused';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Cloud jobs carry task_id/subtask_id; LAN jobs (task_id "0" or "") are told apart by name, file and start time. */
export function jobKeyOf(state: BambuState): string | undefined {
  const task = text(state.task_id);
  if (task !== '' && task !== '0') return `task:${task}:${text(state.subtask_id)}`;
  const name = text(state.subtask_name);
  const file = text(state.gcode_file);
  const start = text(state.gcode_start_time);
  if (name === '' && file === '' && (start === '' || start === '0')) return undefined;
  return `lan:${name}|${file}|${start}`;
}

export function fileOf(state: BambuState): string | undefined {
  const name = text(state.subtask_name);
  if (name !== '') return name;
  const file = text(state.gcode_file);
  return file !== '' ? file.split('/').pop() : undefined;
}

let lastSeconds = NaN;
let lastIso: string | undefined;

/**
 * Epoch seconds → ISO text, remembering the last one (every report of a job repeats the same start time);
 * undefined for a time no printer can mean (docs/robustness.md: "99999999999999" once threw here).
 */
function isoSeconds(seconds: number): string | undefined {
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    lastIso = isoFromEpochSeconds(seconds);
  }
  return lastIso;
}

/** Job details as the shared tracker wants them (mc_remaining_time is in minutes). */
export function jobDetails(state: BambuState): Omit<Observation, 'state' | 'jobKey'> {
  const obs: Omit<Observation, 'state' | 'jobKey'> = { file: fileOf(state) };
  const progress = num(state.mc_percent);
  if (progress !== undefined && progress >= 0 && progress <= 100) obs.progress = progress;
  const layer = num(state.layer_num);
  if (layer !== undefined && layer >= 0) obs.layer = layer;
  const layers = num(state.total_layer_num);
  if (layers !== undefined && layers > 0) obs.layers = layers;
  const remaining = num(state.mc_remaining_time);
  // Finite after scaling too: 1e308 minutes is no time an event can carry.
  if (remaining !== undefined && remaining >= 0 && Number.isFinite(remaining * 60)) obs.remaining_s = Math.round(remaining * 60);
  const start = num(state.gcode_start_time);
  if (start !== undefined && start > 0) obs.started_at = isoSeconds(start);
  const bed = num(state.bed_temper);
  if (bed !== undefined) obs.bedTemp = bed;
  return obs;
}

/** Why a paused printer waits for a person, or undefined when it does not say. */
export function attentionReason(state: BambuState): string | undefined {
  if (isRunoutCode(printErrorCode(state.print_error))) return 'filament_runout';
  const stage = num(state.stg_cur);
  return stage !== undefined ? ATTENTION_STAGES[stage] : undefined;
}
