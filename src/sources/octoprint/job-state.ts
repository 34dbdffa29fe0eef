import type { JobState, Observation, TerminalState } from '../../lifecycle';
import type { StatePayload } from './frames';
import { finiteNumber, MAX_EPOCH_S } from '../plausible';

/** What GET /api/job answered (docs/octoprint.md); used to reconcile a job that ended while we were away. */
export interface ApiJobResponse {
  state?: string;
  progress?: { completion?: number | null; printTime?: number | null };
  job?: { file?: { name?: string | null; path?: string | null; origin?: string | null } };
}

/** `prints.last` of a file (GET /api/files/{origin}/{path}): when its last print ended (epoch s) and whether it succeeded. */
export interface LastPrint {
  date?: unknown;
  success?: unknown;
}

/** A job as OctoPrint names it: origin, path and start on OctoPrint's clock. */
export interface JobIdentity {
  key: string;
  origin: string;
  path: string;
  startS: number;
}

/** Platform-neutral state from the flags (the state text list is not exhaustive). */
export function jobStateOf(s: StatePayload): JobState | undefined {
  const f = s.state?.flags;
  if (!f) return undefined;
  if (f.paused) return 'paused';
  if (f.printing || f.pausing || f.resuming || f.cancelling || f.finishing) return 'printing';
  return 'idle';
}

export function linkedFrom(s: StatePayload): boolean | undefined {
  const f = s.state?.flags;
  if (!f) return undefined;
  return Boolean(f.operational) && !f.closedOrError;
}

export function jobFields(s: StatePayload): Omit<Observation, 'state' | 'jobKey'> {
  const file = s.job?.file;
  const completion = s.progress?.completion;
  return {
    file: str(file?.name) ?? str(file?.path),
    progress: typeof completion === 'number' && Number.isFinite(completion) ? Math.min(100, Math.max(0, completion)) : undefined,
    elapsed_s: seconds(s.progress?.printTime),
    remaining_s: seconds(s.progress?.printTimeLeft),
    bedTemp: latestBedTemp(s.temps),
  };
}

/**
 * `job.filament.<tool>.length` summed over the tools, mm: OctoPrint's analysis of the *file*, an estimate
 * of what the whole job uses, not what it used so far (docs/events.md "Filament"); undefined when not analysed.
 */
export function filamentEstimateMm(s: StatePayload): number | undefined {
  const filament = (s.job as { filament?: unknown } | undefined)?.filament;
  if (!filament || typeof filament !== 'object' || Array.isArray(filament)) return undefined;
  let total = 0;
  for (const tool of Object.values(filament as Record<string, unknown>).slice(0, 16)) {
    const length = tool && typeof tool === 'object' ? (tool as { length?: unknown }).length : undefined;
    if (typeof length === 'number' && Number.isFinite(length) && length > 0) total += length;
  }
  return total > 0 ? Math.round(total * 10) / 10 : undefined;
}

/** The newest bed reading of a `temps` backlog (drives printer.bed_cooled). */
export function latestBedTemp(temps: StatePayload['temps']): number | undefined {
  if (!Array.isArray(temps)) return undefined;
  for (let i = temps.length - 1; i >= 0; i -= 1) {
    const actual = temps[i]?.bed?.actual;
    if (typeof actual === 'number' && Number.isFinite(actual)) return actual;
  }
  return undefined;
}

export interface Outcome {
  state: TerminalState;
  details: Omit<Observation, 'state' | 'jobKey'>;
}

/**
 * How a job we followed ended while we were not looking, from the history's chart markings, its
 * progress and error state, and /api/job. Inference, documented in docs/octoprint.md.
 */
export function outcomeAfterGap(s: StatePayload, hint: ApiJobResponse | undefined, followed: JobIdentity | undefined, sameJob: boolean, last?: LastPrint): Outcome | undefined {
  const since = followed?.startS ?? 0;
  const marks = markingsOf(s).filter((m) => m.time >= since - 1);
  for (let i = marks.length - 1; i >= 0; i -= 1) {
    if (marks[i].type === 'done') return { state: 'finished', details: { progress: 100, remaining_s: 0 } };
    if (marks[i].type === 'cancel') return { state: 'cancelled', details: { reason: 'user' } };
  }
  // The file's own statistics outlive the chart markings (a restart of Node-RED hours later): success, or not.
  if (last && typeof last.date === 'number' && last.date >= since - 1 && typeof last.success === 'boolean') {
    if (last.success) return { state: 'finished', details: { progress: 100, remaining_s: 0 } };
    return s.state?.flags?.error || s.state?.flags?.closedOrError ? failedOutcome(s) : { state: 'cancelled', details: {} };
  }
  if (!sameJob) return undefined; // another job started since: we cannot tell how the old one ended
  const completion = s.progress?.completion ?? hint?.progress?.completion ?? undefined;
  if (typeof completion === 'number' && completion >= 100) return { state: 'finished', details: { progress: 100, remaining_s: 0 } };
  const f = s.state?.flags;
  if (f?.error || f?.closedOrError || /error/i.test(hint?.state ?? '')) return failedOutcome(s);
  return { state: 'cancelled', details: { reason: 'ended_while_disconnected' } };
}

function failedOutcome(s: StatePayload): Outcome {
  const message = str(s.state?.error) ?? str(s.state?.text) ?? 'print failed while PrintHooks was disconnected';
  return { state: 'failed', details: { reason: 'error', error: { message, severity: 'error' } } };
}

/** The followed job's identity as a previous run stored it (src/state), or undefined when it does not look like one. */
export function storedIdentity(source: Record<string, unknown> | undefined): JobIdentity | undefined {
  const id = source?.identity as Record<string, unknown> | undefined;
  if (!id || typeof id !== 'object') return undefined;
  const { key, origin, path, startS } = id;
  if (typeof key !== 'string' || typeof origin !== 'string' || typeof path !== 'string' || typeof startS !== 'number' || !Number.isFinite(startS)) return undefined;
  return { key, origin, path, startS };
}

/** The chart markings that have a type and a plausible time; anything else in the list is skipped. */
export function markingsOf(s: StatePayload): Array<{ type: unknown; time: number }> {
  if (!Array.isArray(s.markings)) return [];
  const out: Array<{ type: unknown; time: number }> = [];
  for (const m of s.markings as unknown[]) {
    const time = m && typeof m === 'object' ? finiteNumber((m as { time?: unknown }).time, 0, MAX_EPOCH_S) : undefined;
    if (time !== undefined && typeof (m as { time?: unknown }).time === 'number') out.push({ type: (m as { type?: unknown }).type, time });
  }
  return out;
}

export function lastMarking(s: StatePayload, type: string): number | undefined {
  let found: number | undefined;
  for (const m of markingsOf(s)) if (m.type === type) found = m.time;
  return found;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

export function int(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}
