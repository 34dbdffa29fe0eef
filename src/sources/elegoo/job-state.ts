import type { EventError } from '../../event';
import type { JobState, Observation } from '../../lifecycle';
import type { PrintPhase } from './codes';
import type { ElegooReading } from './reading';

/** Print phases → the shared job states. Pausing, stopping and unknown codes change nothing. */
const PHASE_STATES: Partial<Record<PrintPhase, JobState>> = {
  idle: 'idle',
  preparing: 'printing',
  printing: 'printing',
  resuming: 'printing',
  paused: 'paused',
  cancelled: 'cancelled',
  completed: 'finished',
  failed: 'failed',
};

export function jobStateOf(phase: PrintPhase): JobState | undefined {
  return PHASE_STATES[phase];
}

export function isActivePhase(phase: PrintPhase): boolean {
  const state = jobStateOf(phase);
  return state === 'printing' || state === 'paused';
}

/** The error a print.failed carries: the printer's own fault when it lists one, else the status code. */
export function failureOf(reading: ElegooReading): EventError {
  const first = reading.errors[0];
  if (first) return { ...first, severity: 'fatal' };
  return { code: `status_${reading.code ?? 'unknown'}`, message: 'The printer stopped the print with an error', severity: 'fatal' };
}

/**
 * One reading as a tracker observation (no jobKey: the monitor decides it). Once the printer has
 * cleared the job's task id (it does so soon after the end) its counters describe no job, so they are
 * left out and the job keeps the last values seen.
 */
export function observationOf(reading: ElegooReading): Observation {
  const state = jobStateOf(reading.phase);
  const obs: Observation = { state, errors: reading.errors, bedTemp: reading.bedTemp };
  const cleared = reading.taskId === undefined && !isActivePhase(reading.phase);
  if (!cleared) {
    Object.assign(obs, {
      file: reading.file,
      progress: reading.progress,
      layer: reading.layer,
      layers: reading.layers,
      elapsed_s: reading.elapsed_s,
      remaining_s: reading.remaining_s,
    });
  } else if (state === 'finished') {
    obs.progress = 100;
  }
  if (state === 'failed') {
    obs.error = failureOf(reading);
    obs.reason = 'error';
  } else if (state === 'cancelled') {
    obs.reason = 'user';
  } else if (state === 'paused' && reading.runout) {
    obs.reason = 'filament_runout';
  }
  return obs;
}
