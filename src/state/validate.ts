import type { JobInfo } from '../event';
import type { JobState, TrackerSnapshot } from '../lifecycle';
import type { StoredJobState } from './job-state-store';

/** The shape on disk; `format` tells our files from anything else dropped into the folder. */
export const STATE_FORMAT = 'printhooks-job-state';
export const STATE_VERSION = 1;

/** Bounds for what a file may hold (the tracker itself keeps about 200 of each). */
const MAX_LIST = 1000;
const MAX_TEXT = 2048;

export interface StateFile extends StoredJobState {
  format: typeof STATE_FORMAT;
  version: number;
  printer: { id: string; kind: string };
  savedAt: string;
}

/** Why a file cannot be used: `corrupt` (not ours, or broken) or `foreign` (another printer's). */
export class StateFileProblem extends Error {
  constructor(
    readonly kind: 'corrupt' | 'foreign',
    message: string,
  ) {
    super(message);
  }
}

const JOB_STATES: ReadonlySet<string> = new Set<JobState>(['idle', 'printing', 'paused', 'finished', 'failed', 'cancelled']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_TEXT) throw new StateFileProblem('corrupt', `${field} is not a text`);
  return value;
}

function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : text(value, field);
}

function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new StateFileProblem('corrupt', `${field} is not a number`);
  return value;
}

function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value) || value.length > MAX_LIST) throw new StateFileProblem('corrupt', `${field} is not a list of at most ${MAX_LIST}`);
  return value;
}

function jobInfo(value: unknown, field: string): JobInfo {
  if (!isRecord(value)) throw new StateFileProblem('corrupt', `${field} is not an object`);
  const info: JobInfo = { id: text(value.id, `${field}.id`) };
  const file = optionalText(value.file, `${field}.file`);
  if (file !== undefined) info.file = file;
  const startedAt = optionalText(value.started_at, `${field}.started_at`);
  if (startedAt !== undefined) info.started_at = startedAt;
  for (const key of ['progress', 'elapsed_s', 'remaining_s', 'layer', 'layers', 'filament_mm'] as const) {
    const n = optionalNumber(value[key], `${field}.${key}`);
    if (n !== undefined) info[key] = n;
  }
  return info;
}

function trackerSnapshot(value: unknown): TrackerSnapshot {
  if (!isRecord(value)) throw new StateFileProblem('corrupt', 'tracker is not an object');
  const state = value.state;
  if (state !== undefined && (typeof state !== 'string' || !JOB_STATES.has(state))) throw new StateFileProblem('corrupt', 'tracker.state is not a job state');
  let job: TrackerSnapshot['job'];
  if (value.job !== undefined) {
    const j = value.job;
    if (!isRecord(j) || typeof j.activeSeen !== 'boolean') throw new StateFileProblem('corrupt', 'tracker.job is not a job');
    job = {
      key: text(j.key, 'tracker.job.key'),
      info: jobInfo(j.info, 'tracker.job.info'),
      activeSeen: j.activeSeen,
      progressMark: optionalNumber(j.progressMark, 'tracker.job.progressMark') ?? 0,
      layerMark: optionalNumber(j.layerMark, 'tracker.job.layerMark'),
      pauses: Math.max(0, Math.trunc(optionalNumber(j.pauses, 'tracker.job.pauses') ?? 0)),
    };
  }
  return {
    state: state as JobState | undefined,
    job,
    ended: list(value.ended, 'tracker.ended').map((k, i) => text(k, `tracker.ended[${i}]`)),
    unsettled: list(value.unsettled, 'tracker.unsettled').map((entry, i) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw new StateFileProblem('corrupt', `tracker.unsettled[${i}] is not a [key, job] pair`);
      return [text(entry[0], `tracker.unsettled[${i}][0]`), jobInfo(entry[1], `tracker.unsettled[${i}][1]`)] as [string, JobInfo];
    }),
    errorCodes: list(value.errorCodes, 'tracker.errorCodes').map((k, i) => text(k, `tracker.errorCodes[${i}]`)),
    oneOffs: value.oneOffs === undefined ? undefined : list(value.oneOffs, 'tracker.oneOffs').map((k, i) => text(k, `tracker.oneOffs[${i}]`)),
  };
}

/** Checks a parsed file against the format and the printer it should belong to; returns a clean copy. */
export function validateStateFile(value: unknown, printer: { id: string; kind: string }): StoredJobState {
  if (!isRecord(value) || value.format !== STATE_FORMAT) throw new StateFileProblem('corrupt', 'not a PrintHooks job-state file');
  if (value.version !== STATE_VERSION) throw new StateFileProblem('corrupt', `version ${String(value.version)} is not ${STATE_VERSION}`);
  const owner = value.printer;
  if (!isRecord(owner) || typeof owner.id !== 'string' || typeof owner.kind !== 'string') throw new StateFileProblem('corrupt', 'printer is missing');
  if (owner.id !== printer.id || owner.kind !== printer.kind) {
    throw new StateFileProblem('foreign', `it belongs to printer ${owner.kind} ${owner.id}, not ${printer.kind} ${printer.id}`);
  }
  const source = value.source;
  if (source !== undefined && !isRecord(source)) throw new StateFileProblem('corrupt', 'source is not an object');
  const stored: StoredJobState = { tracker: trackerSnapshot(value.tracker) };
  if (source !== undefined) stored.source = source;
  return stored;
}
