import type { EventError, JobInfo, PrinterEvent, PrinterRef } from '../../event';
import { isActive, JobTracker, type JobState, type Observation, type TerminalState } from '../../lifecycle';
import type { PushFrame, StatePayload } from './frames';

/** What GET /api/job answered (protocols.md §1.5); used to reconcile a job that ended while we were away. */
export interface ApiJobResponse {
  state?: string;
  progress?: { completion?: number | null; printTime?: number | null };
  job?: { file?: { name?: string | null; path?: string | null; origin?: string | null } };
}

export interface MapperOptions {
  printer: PrinterRef;
  now?: () => Date;
  /** Two starts of the same file closer than this are the same job (clock skew, rounding). Default 120 s. */
  startToleranceS?: number;
  /** printer.bed_cooled threshold, °C (0 = off; default 35). */
  bedCooledBelow?: number;
}

interface JobIdentity {
  key: string;
  origin: string;
  path: string;
  startS: number;
}

/**
 * Turns OctoPrint push messages into canonical events through the shared JobTracker. Lifecycle comes
 * from OctoPrint's own events (PrintStarted, PrintDone, …); `history` is the baseline after each
 * (re)connect; `current` only carries progress, because it is coalesced and may skip states.
 */
export class OctoPrintMapper {
  readonly tracker: JobTracker;
  private readonly now: () => Date;
  private readonly toleranceS: number;
  private baselinePending = true;
  private identity: JobIdentity | undefined;
  /** OctoPrint's clock minus ours, in seconds, learnt from serverTime. */
  private serverOffsetS = 0;
  private apiJobHint: ApiJobResponse | undefined;
  /** Whether OctoPrint is connected to the printer (serial link), when known. */
  linked: boolean | undefined;

  constructor(options: MapperOptions) {
    this.now = options.now ?? (() => new Date());
    this.toleranceS = options.startToleranceS ?? 120;
    this.tracker = new JobTracker({ printer: options.printer, idleAfterActive: 'nothing', includeRaw: true, now: this.now, bedCooledBelow: options.bedCooledBelow });
  }

  /** The socket is up again: the next history (or first current) is a baseline. */
  connected(): void {
    this.baselinePending = true;
    this.tracker.connected();
  }

  disconnected(): void {
    this.baselinePending = true;
    this.linked = undefined;
    this.tracker.disconnected();
  }

  /** True while the tracker follows a job that has not ended: the reconnect may need /api/job. */
  get hasActiveJob(): boolean {
    return isActive(this.tracker.currentState);
  }

  /** GET /api/job fetched on reconnect, consulted once by the next baseline. */
  setApiJobHint(hint: ApiJobResponse | undefined): void {
    this.apiJobHint = hint;
  }

  get state(): JobState | undefined {
    return this.tracker.currentState;
  }

  get job(): JobInfo | undefined {
    return this.tracker.currentJob;
  }

  handle(frame: PushFrame): PrinterEvent[] {
    switch (frame.kind) {
      case 'history':
        return this.baseline(frame.state, frame.raw);
      case 'current':
        return this.baselinePending ? this.baseline(frame.state, frame.raw) : this.current(frame.state, frame.raw);
      case 'event':
        return this.event(frame.type, frame.payload, frame.raw);
      case 'plugin':
        return this.plugin(frame.plugin, frame.data, frame.raw);
      default:
        return [];
    }
  }

  private baseline(s: StatePayload, raw: unknown): PrinterEvent[] {
    this.baselinePending = false;
    this.learnClock(s);
    this.linked = linkedFrom(s) ?? this.linked;
    const events: PrinterEvent[] = [];
    const state = jobStateOf(s);
    const hint = this.apiJobHint;
    this.apiJobHint = undefined;
    const previous = this.tracker.currentJob;
    const seen = this.identityFrom(s);

    const obs: Observation = { state, raw, ...jobFields(s) };
    if (seen) {
      obs.jobKey = seen.key;
      obs.started_at = new Date(seen.startS * 1000).toISOString();
    }
    const followed = this.identity;
    if (seen) this.identity = seen;

    if (previous && this.hasActiveJob) {
      const sameJob = !seen || seen.key === previous.id;
      if (!isActive(state) || !sameJob) {
        // The job we followed ended while the socket was down: its one terminal event. When another
        // job is running now, the tracker first reports that one's start, then the old job is settled.
        const outcome = outcomeAfterGap(s, hint, followed, sameJob);
        if (!sameJob) events.push(...this.tracker.observe(obs));
        if (outcome) events.push(...this.tracker.settle(previous.id, outcome.state, { ...outcome.details, raw }));
        if (!sameJob) return events;
      }
    }
    events.push(...this.tracker.observe(obs));
    return events;
  }

  private current(s: StatePayload, raw: unknown): PrinterEvent[] {
    this.learnClock(s);
    this.linked = linkedFrom(s) ?? this.linked;
    if (!isActive(jobStateOf(s)) || !this.hasActiveJob) {
      // Between jobs only the bed matters: it may have cooled down since the last job ended.
      const bedTemp = latestBedTemp(s.temps);
      return bedTemp === undefined ? [] : this.tracker.observe({ bedTemp, raw });
    }
    return this.tracker.observe({ raw, ...jobFields(s) });
  }

  private event(type: string, p: Record<string, unknown>, raw: unknown): PrinterEvent[] {
    const time = this.now();
    const user = str(p.user);
    switch (type) {
      case 'PrintStarted': {
        const identity = this.newIdentity(str(p.origin) ?? 'local', str(p.path) ?? str(p.name) ?? '', time);
        this.identity = identity;
        return this.tracker.observe({
          state: 'printing',
          jobKey: identity.key,
          file: str(p.name) ?? str(p.path),
          started_at: new Date(identity.startS * 1000).toISOString(),
          time,
          raw,
        });
      }
      case 'PrintPaused': {
        const events = this.tracker.observe({ state: 'paused', reason: user ? 'user' : 'printer', time, raw });
        if (!user) events.push(...this.attention('paused_by_printer', 'The printer paused the job itself (e.g. filament runout)', time, raw));
        return events;
      }
      case 'PrintResumed':
        return this.tracker.observe({ state: 'printing', time, raw });
      case 'PrintDone':
        return this.tracker.observe({ state: 'finished', progress: 100, remaining_s: 0, elapsed_s: seconds(p.time), time, raw });
      case 'PrintCancelled':
        return this.tracker.observe({ state: 'cancelled', reason: user ? 'user' : 'printer', elapsed_s: seconds(p.time), time, raw });
      case 'PrintFailed': {
        if (p.reason === 'cancelled') {
          // Follows PrintCancelled: the tracker already ended the job, so this adds nothing.
          return this.tracker.observe({ state: 'cancelled', reason: user ? 'user' : 'printer', elapsed_s: seconds(p.time), time, raw });
        }
        const error: EventError = { message: str(p.error) ?? 'print failed', severity: 'error' };
        return this.tracker.observe({ state: 'failed', reason: 'error', error, elapsed_s: seconds(p.time), time, raw });
      }
      case 'Error': {
        const error: EventError = {
          message: str(p.error) ?? 'printer error',
          code: str(p.faq),
          severity: p.consequence === 'emergency' || p.consequence === 'disconnect' ? 'fatal' : 'error',
        };
        return this.tracker.raiseError(error, time, raw);
      }
      case 'FilamentChange':
        return this.attention('filament_change', 'Filament change requested', time, raw);
      case 'Waiting':
        return this.attention('waiting', 'The printer waits for the user to continue', time, raw);
      case 'Connected':
        this.linked = true;
        return [];
      case 'Disconnected':
        this.linked = false;
        return [];
      case 'PrinterStateChanged': {
        const id = str(p.state_id);
        if (id === 'OFFLINE' || id === 'CLOSED' || id === 'CLOSED_WITH_ERROR' || id === 'ERROR') this.linked = false;
        else if (id === 'OPERATIONAL' || id === 'PRINTING' || id === 'PAUSED') this.linked = true;
        return [];
      }
      case 'DisplayLayerProgress_layerChanged': {
        // Layers are not part of core OctoPrint; the DisplayLayerProgress plugin reports them.
        const layer = int(p.currentLayer);
        if (layer === undefined || !this.hasActiveJob) return [];
        return this.tracker.observe({ layer, layers: int(p.totalLayer), time, raw });
      }
      default:
        return [];
    }
  }

  private plugin(plugin: string, data: Record<string, unknown>, raw: unknown): PrinterEvent[] {
    if (plugin === 'action_command_prompt' && data.action === 'show') {
      return this.attention('prompt', str(data.text) ?? 'The printer shows a prompt', this.now(), raw);
    }
    return [];
  }

  private attention(reason: string, message: string, time: Date, raw: unknown): PrinterEvent[] {
    // Each occurrence is distinct (a second M600 in the same job is a second event): key it on server time.
    const occurrence = Math.floor(time.getTime() / 1000 + this.serverOffsetS);
    return this.tracker.raiseAttention(reason, message, time, raw, occurrence);
  }

  private learnClock(s: StatePayload): void {
    if (typeof s.serverTime === 'number' && Number.isFinite(s.serverTime)) {
      this.serverOffsetS = s.serverTime - this.now().getTime() / 1000;
    }
  }

  /** Job identity (origin, path, start on OctoPrint's clock) from a state message; undefined if no file. */
  private identityFrom(s: StatePayload): JobIdentity | undefined {
    const file = s.job?.file;
    const path = str(file?.path) ?? str(file?.name);
    if (!path) return undefined;
    const origin = str(file?.origin) ?? 'local';
    let start = lastMarking(s, 'print');
    if (start === undefined && typeof s.serverTime === 'number' && typeof s.progress?.printTime === 'number') {
      start = s.serverTime - s.progress.printTime;
    }
    if (start === undefined) {
      if (this.identity && this.identity.origin === origin && this.identity.path === path) return this.identity;
      return undefined;
    }
    return this.matchIdentity(origin, path, Math.floor(start));
  }

  private newIdentity(origin: string, path: string, time: Date): JobIdentity {
    return this.matchIdentity(origin, path, Math.floor(time.getTime() / 1000 + this.serverOffsetS), true);
  }

  /** Reuses the followed job's identity when this is the same file started at (about) the same time. */
  private matchIdentity(origin: string, path: string, startS: number, fresh = false): JobIdentity {
    const known = this.identity;
    if (!fresh && known && known.origin === origin && known.path === path && Math.abs(known.startS - startS) <= this.toleranceS) {
      return known;
    }
    return { key: `${origin}:${path}@${startS}`, origin, path, startS };
  }
}

/** Platform-neutral state from the flags (the state text list is not exhaustive). */
export function jobStateOf(s: StatePayload): JobState | undefined {
  const f = s.state?.flags;
  if (!f) return undefined;
  if (f.paused) return 'paused';
  if (f.printing || f.pausing || f.resuming || f.cancelling || f.finishing) return 'printing';
  return 'idle';
}

function linkedFrom(s: StatePayload): boolean | undefined {
  const f = s.state?.flags;
  if (!f) return undefined;
  return Boolean(f.operational) && !f.closedOrError;
}

function jobFields(s: StatePayload): Omit<Observation, 'state' | 'jobKey'> {
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

/** The newest bed reading of a `temps` backlog (drives printer.bed_cooled). */
function latestBedTemp(temps: StatePayload['temps']): number | undefined {
  if (!Array.isArray(temps)) return undefined;
  for (let i = temps.length - 1; i >= 0; i -= 1) {
    const actual = temps[i]?.bed?.actual;
    if (typeof actual === 'number' && Number.isFinite(actual)) return actual;
  }
  return undefined;
}

interface Outcome {
  state: TerminalState;
  details: Omit<Observation, 'state' | 'jobKey'>;
}

/**
 * How a job we followed ended while we were not looking, from the history's chart markings, its
 * progress and error state, and /api/job. Inference, documented in docs/octoprint.md.
 */
function outcomeAfterGap(s: StatePayload, hint: ApiJobResponse | undefined, followed: JobIdentity | undefined, sameJob: boolean): Outcome | undefined {
  const since = followed?.startS ?? 0;
  const marks = (s.markings ?? []).filter((m) => typeof m.time === 'number' && m.time >= since - 1);
  for (let i = marks.length - 1; i >= 0; i -= 1) {
    if (marks[i].type === 'done') return { state: 'finished', details: { progress: 100, remaining_s: 0 } };
    if (marks[i].type === 'cancel') return { state: 'cancelled', details: { reason: 'user' } };
  }
  if (!sameJob) return undefined; // another job started since: we cannot tell how the old one ended
  const completion = s.progress?.completion ?? hint?.progress?.completion ?? undefined;
  if (typeof completion === 'number' && completion >= 100) return { state: 'finished', details: { progress: 100, remaining_s: 0 } };
  const f = s.state?.flags;
  if (f?.error || f?.closedOrError || /error/i.test(hint?.state ?? '')) {
    const message = str(s.state?.error) ?? str(s.state?.text) ?? 'print failed while PrintHooks was disconnected';
    return { state: 'failed', details: { reason: 'error', error: { message, severity: 'error' } } };
  }
  return { state: 'cancelled', details: { reason: 'ended_while_disconnected' } };
}

function lastMarking(s: StatePayload, type: string): number | undefined {
  let found: number | undefined;
  for (const m of s.markings ?? []) if (m.type === type && typeof m.time === 'number') found = m.time;
  return found;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function int(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}
