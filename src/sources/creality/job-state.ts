import type { EventError } from '../../event';
import type { Observation } from '../../observation';
import { finiteNumber, isoFromEpochSeconds, MAX_EPOCH_S } from '../plausible';
import { errorText, RUNOUT_KEYS, STATE_CODES, stateCode } from './codes';
import type { CrealityState } from './merge';

const MAX_FILE_NAME = 512;

function flag(value: unknown): boolean {
  return finiteNumber(value) === 1;
}

/**
 * The file being printed, as the user knows it: the path below the printer's gcodes folder
 * (`/usr/data/printer_data/gcodes/x.gcode` → `x.gcode`), else the last path segment.
 */
export function fileOf(state: Readonly<CrealityState>): string | undefined {
  const raw = state.printFileName;
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > MAX_FILE_NAME) return undefined;
  const path = raw.trim();
  const marker = path.lastIndexOf('/gcodes/');
  const name = marker >= 0 ? path.slice(marker + '/gcodes/'.length) : path.slice(path.lastIndexOf('/') + 1);
  return name || undefined;
}

/**
 * The job's identity: LAN prints have an empty printId, so the start time and the file are all there
 * is (docs/creality.md, "Jobs"). Undefined when the printer reports neither.
 */
export function jobKeyOf(state: Readonly<CrealityState>): string | undefined {
  const start = finiteNumber(state.printStartTime, 1, MAX_EPOCH_S);
  const file = fileOf(state);
  if (start === undefined && file === undefined) return undefined;
  return `${start ?? 0}:${file ?? ''}`;
}

/** The printer's current error (`err.errcode` ≠ 0), or undefined. */
export function currentError(state: Readonly<CrealityState>): { key: number; error: EventError } | undefined {
  const err = state.err;
  if (typeof err !== 'object' || err === null || Array.isArray(err)) return undefined;
  const record = err as Record<string, unknown>;
  const errcode = finiteNumber(record.errcode);
  if (errcode === undefined || errcode === 0) return undefined;
  const key = finiteNumber(record.key) || errcode;
  const known = errorText(key);
  const severity = known.level === 3 ? 'fatal' : 'error';
  return { key, error: { code: String(key), message: known.message, severity } };
}

/** A filament sensor or the printer's own error says the filament ran out. */
export function isRunout(state: Readonly<CrealityState>): boolean {
  const error = currentError(state);
  return flag(state.materialDetector1) || flag(state.materialStatus) || (error !== undefined && RUNOUT_KEYS.has(error.key));
}

/** The printer asks whether to resume a job interrupted by a power loss. */
export function awaitsPowerLossDecision(state: Readonly<CrealityState>): boolean {
  return flag(state.repoPlrStatus);
}

let lastStart: { value: unknown; iso: string | undefined } = { value: undefined, iso: undefined };

/** The job's start as ISO text; the printer repeats the same start time in every full status, so the last one is kept. */
function startedAt(value: unknown): string | undefined {
  if (value !== lastStart.value) lastStart = { value, iso: isoFromEpochSeconds(finiteNumber(value, 1)) };
  return lastStart.iso;
}

/**
 * The cached status as one tracker observation. `state` is absent for codes that are a step between
 * two states (docs/creality.md, "State codes"); the job key is the monitor's to choose.
 */
export function observationOf(state: Readonly<CrealityState>): Observation {
  const code = stateCode(state.state);
  const mapped = code === undefined ? undefined : STATE_CODES[code]?.job;
  const layer = finiteNumber(state.layer, 1, 1e6);
  const layers = finiteNumber(state.TotalLayer, 1, 1e6);
  const elapsed = finiteNumber(state.printJobTime, 0, 1e8);
  const remaining = finiteNumber(state.printLeftTime, 0, 1e8);
  const obs: Observation = {
    state: mapped === 'hold' ? undefined : mapped,
    file: fileOf(state),
    // dProgress only stands in on firmware that never sends printProgress; a bad printProgress is no progress.
    progress: finiteNumber('printProgress' in state ? state.printProgress : state.dProgress, 0, 100),
    layer: layer === undefined ? undefined : Math.floor(layer),
    layers: layers === undefined ? undefined : Math.floor(layers),
    elapsed_s: elapsed === undefined ? undefined : Math.round(elapsed),
    remaining_s: remaining === undefined ? undefined : Math.round(remaining),
    started_at: startedAt(state.printStartTime),
    bedTemp: finiteNumber(state.bedTemp0, -50, 500),
  };
  const error = currentError(state);
  // A runout is an attention, not an error: it is reported once as printer.attention.
  obs.errors = error && !RUNOUT_KEYS.has(error.key) ? [error.error] : [];
  if (obs.state === 'failed') {
    obs.error = error?.error ?? { code: 'print_failed', message: 'The printer reports the print failed', severity: 'fatal' };
    obs.reason = 'error';
  } else if (obs.state === 'cancelled' && error?.error.severity === 'fatal') {
    // A fatal error stops the print: that is a failure, whatever end state the printer shows.
    obs.state = 'failed';
    obs.error = error.error;
    obs.reason = 'error';
  } else if (obs.state === 'cancelled') {
    obs.reason = 'user';
  } else if (obs.state === 'paused' && isRunout(state)) {
    obs.reason = 'filament_runout';
  }
  return obs;
}
