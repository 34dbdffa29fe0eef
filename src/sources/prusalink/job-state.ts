import type { EventError } from '../../event';
import type { JobState, Observation } from '../../lifecycle';
import type { PrinterView } from './merge';

/**
 * printer.state → the shared job state (docs/prusalink.md, "Events"). BUSY is "unchanged": the firmware
 * shows it, without the job, during crash and power-panic recovery in the middle of a print.
 * ATTENTION is handled by attentionOf (it may come before a print really started).
 */
const STATES: Record<string, JobState | undefined> = {
  IDLE: 'idle',
  READY: 'idle',
  BUSY: undefined,
  PRINTING: 'printing',
  PAUSED: 'paused',
  FINISHED: 'finished',
  STOPPED: 'cancelled',
  ERROR: 'failed',
};

export function jobStateOf(view: PrinterView, jobStarted: boolean): JobState | undefined {
  if (view.state === 'ATTENTION') return jobStarted ? 'paused' : undefined;
  return view.state !== undefined ? STATES[view.state] : undefined;
}

/** The states where the printer has (or just had) a job running. */
export function isRunningRaw(state: string | undefined): boolean {
  return state === 'PRINTING' || state === 'PAUSED' || state === 'ATTENTION';
}

/** States that say the printer holds no job: an active job that meets one of them ended unseen. */
export function isIdleRaw(state: string | undefined): boolean {
  return state === 'IDLE' || state === 'READY';
}

export const PRINTER_ERROR: EventError = { code: 'printer_error', message: 'The printer reports an error', severity: 'fatal' };

/** The view as a tracker observation; `jobKey` only where the view names the job (status has it while active). */
export function observationFrom(view: PrinterView, jobStarted: boolean): Observation {
  const state = jobStateOf(view, jobStarted);
  const obs: Observation = { state };
  const job = view.job;
  if (job) {
    obs.jobKey = String(job.id);
    obs.file = job.file;
    obs.progress = job.progress;
    obs.elapsed_s = job.elapsed_s;
    obs.remaining_s = job.remaining_s;
  }
  if (view.bedTemp !== undefined) obs.bedTemp = view.bedTemp;
  if (state === 'cancelled') obs.reason = 'user';
  if (state === 'failed') {
    obs.reason = 'error';
    obs.error = view.printerProblem ? { ...PRINTER_ERROR, message: view.printerProblem } : PRINTER_ERROR;
  }
  if (view.state === 'ATTENTION' && state === 'paused') obs.reason = 'attention';
  obs.errors = view.state === 'ERROR' || view.printerProblem ? [view.printerProblem ? { ...PRINTER_ERROR, message: view.printerProblem } : PRINTER_ERROR] : [];
  return obs;
}

/**
 * An active job ended without FINISHED/STOPPED/ERROR being seen (a red screen or power loss, or an end missed
 * while offline): the outcome is inferred, deliberately, from the last progress (docs/prusalink.md, "Missed ends").
 */
export function missedEndOutcome(lastProgress: number | undefined): { state: 'finished' } | { state: 'failed'; reason: string; error: EventError } {
  if (lastProgress !== undefined && lastProgress >= 99) return { state: 'finished' };
  return {
    state: 'failed',
    reason: 'interrupted',
    error: { code: 'job_vanished', message: 'The job ended without a finished or stopped state (power loss, printer reset or an end missed while offline)', severity: 'error' },
  };
}
