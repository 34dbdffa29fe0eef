import { BedCooledWatch } from './bed-cooled';
import { buildEvent, type EventError, type EventType, type JobInfo, type PrinterEvent, type PrinterRef } from './event';
import { isActive, isTerminalState, mergeJobInfo, type JobState, type Observation, type TerminalState } from './observation';

export { isActive, isTerminalState, type JobState, type Observation, type TerminalState } from './observation';

export interface TrackerOptions {
  printer: PrinterRef;
  /** Attach the observation's `raw` to events. */
  includeRaw?: boolean;
  /**
   * What an active job going straight to idle means on this platform: Moonraker (standby) and Bambu
   * (RUNNING → IDLE) treat it as a cancel; OctoPrint reports ends as events, so it means nothing there.
   */
  idleAfterActive?: 'cancelled' | 'nothing';
  now?: () => Date;
  /** How many ended job keys to remember for duplicate suppression. */
  memory?: number;
  /** After a job ends, printer.bed_cooled fires once when the bed falls below this (°C, default 35; 0 = off). */
  bedCooledBelow?: number;
}

interface JobContext {
  key: string;
  info: JobInfo;
  activeSeen: boolean;
  progressMark: number;
  layerMark?: number;
  pauses: number;
}

export interface TrackerSnapshot {
  state?: JobState;
  job?: JobContext;
  ended: string[];
  unsettled: Array<[string, JobInfo]>;
  errorCodes: string[];
  /** Keys of the one-off errors and attention prompts already raised (absent in older snapshots). */
  oneOffs?: string[];
}

const TERMINAL_EVENT: Record<TerminalState, EventType> = {
  finished: 'print.done',
  failed: 'print.failed',
  cancelled: 'print.cancelled',
};

/**
 * The shared job tracker (docs/lifecycle.md). Sources feed it observations; it returns the canonical events:
 * the first observation after a (re)connect is a baseline, events fire on edges only, each job gets
 * exactly one terminal event, a cancel is never also a failure, progress fires once per whole percent
 * crossed (never 0 or 100), layers fire when they increase, and a job that ended while disconnected is
 * reconciled once.
 */
export class JobTracker {
  private readonly printer: PrinterRef;
  private readonly includeRaw: boolean;
  private readonly idleAfterActive: 'cancelled' | 'nothing';
  private readonly now: () => Date;
  private readonly memory: number;
  private readonly bedCooled: BedCooledWatch;

  private state: JobState | undefined;
  private job: JobContext | undefined;
  private baselinePending = true;
  private everBaselined = false;
  /** Job keys that already had their terminal event (or were first seen already ended). */
  private readonly ended = new Map<string, true>();
  /** Jobs seen active whose end we have not seen: history catch-up may settle them. */
  private readonly unsettled = new Map<string, JobInfo>();
  private errorCodes = new Set<string>();
  private readonly oneOffs = new Map<string, true>();

  constructor(options: TrackerOptions) {
    this.printer = { ...options.printer };
    this.includeRaw = options.includeRaw ?? false;
    this.idleAfterActive = options.idleAfterActive ?? 'cancelled';
    this.now = options.now ?? (() => new Date());
    this.memory = Math.max(8, options.memory ?? 200);
    this.bedCooled = new BedCooledWatch(options.bedCooledBelow);
  }

  get currentState(): JobState | undefined {
    return this.state;
  }

  get currentJob(): JobInfo | undefined {
    return this.job ? { ...this.job.info } : undefined;
  }

  /** The transport came (back) up: the next observation is a baseline, not an edge. */
  connected(): void {
    this.baselinePending = true;
  }

  /** The transport went down. State is kept so the reconnect can reconcile. */
  disconnected(): void {
    this.baselinePending = true;
  }

  observe(obs: Observation): PrinterEvent[] {
    const time = obs.time ?? this.now();
    const events: PrinterEvent[] = [];
    if (this.baselinePending) {
      this.takeBaseline(obs, time, events);
    } else {
      this.applyEdge(obs, time, events);
    }
    this.bedEdge(obs, time, events);
    return events;
  }

  /**
   * A job that was seen active ended while we were not looking (history catch-up): give it its one
   * terminal event. Does nothing for a job that already has one or was never seen active.
   */
  settle(jobKey: string, outcome: TerminalState, details: Omit<Observation, 'state' | 'jobKey'> = {}): PrinterEvent[] {
    if (this.ended.has(jobKey)) return [];
    const info = this.job?.key === jobKey && this.job.activeSeen ? this.job.info : this.unsettled.get(jobKey);
    if (!info) return [];
    const merged = mergeJobInfo(info, details);
    const event = this.terminalEvent(outcome, merged, details, details.time ?? this.now());
    this.markEnded(jobKey);
    if (this.job?.key === jobKey) {
      this.job.info = merged;
      this.state = outcome;
    }
    return [event];
  }

  /** A one-off printer error (an Error event or `!!` line): each distinct one once per job. */
  raiseError(error: EventError, time?: Date, raw?: unknown): PrinterEvent[] {
    const discriminator = error.code ?? error.message;
    const key = `error:${this.job?.key ?? ''}:${discriminator}`;
    if (!this.rememberOneOff(key)) return [];
    return [this.event('printer.error', time ?? this.now(), { error, discriminator, raw, withJob: true })];
  }

  /** The printer waits for a person (filament change, M600, prompt, user pause). */
  raiseAttention(reason: string, message?: string, time?: Date, raw?: unknown, occurrence?: string | number): PrinterEvent[] {
    const discriminator = `${reason}:${occurrence ?? this.job?.pauses ?? 0}`;
    const key = `attention:${this.job?.key ?? ''}:${discriminator}`;
    if (!this.rememberOneOff(key)) return [];
    const error = message ? { message, severity: 'warning' as const } : undefined;
    return [this.event('printer.attention', time ?? this.now(), { reason, error, discriminator, raw, withJob: true })];
  }

  snapshot(): TrackerSnapshot {
    return {
      state: this.state,
      job: this.job ? { ...this.job, info: { ...this.job.info } } : undefined,
      ended: [...this.ended.keys()],
      unsettled: [...this.unsettled.entries()],
      errorCodes: [...this.errorCodes],
      oneOffs: [...this.oneOffs.keys()],
    };
  }

  /** Restores what a previous run knew; the next observation is still a baseline. */
  restore(snapshot: TrackerSnapshot): void {
    this.state = snapshot.state;
    this.job = snapshot.job ? { ...snapshot.job, info: { ...snapshot.job.info } } : undefined;
    this.ended.clear();
    for (const key of snapshot.ended) this.markEnded(key);
    this.unsettled.clear();
    for (const [key, info] of snapshot.unsettled) this.unsettled.set(key, info);
    this.errorCodes = new Set(snapshot.errorCodes);
    this.oneOffs.clear();
    for (const key of snapshot.oneOffs ?? []) this.rememberOneOff(key);
    this.everBaselined = snapshot.state !== undefined;
    this.baselinePending = true;
  }

  private takeBaseline(obs: Observation, time: Date, events: PrinterEvent[]): void {
    this.baselinePending = false;
    const prevState = this.state;
    const prevJob = this.job;
    const wasActive = isActive(prevState) && prevJob !== undefined && !this.ended.has(prevJob.key);
    const newState = obs.state ?? prevState;
    const sameJob = prevJob !== undefined && (obs.jobKey === undefined || obs.jobKey === prevJob.key);

    if (sameJob && prevJob) {
      prevJob.info = mergeJobInfo(prevJob.info, obs);
    } else if (obs.jobKey !== undefined || isActive(newState)) {
      this.job = this.newJob(obs, time);
    }
    this.state = newState;

    if (wasActive && prevJob && sameJob && isTerminalState(newState)) {
      // The job we were following ended while we were away: its one terminal event, now.
      events.push(this.terminalEvent(newState, prevJob.info, obs, time));
      this.markEnded(prevJob.key);
    } else if (wasActive && prevJob && !sameJob && isActive(newState) && this.job && this.job !== prevJob) {
      // A new job started while we were away: its start is an edge we missed, not a baseline.
      this.job.activeSeen = true;
      events.push(this.event('print.started', time, { raw: obs.raw, withJob: true }));
    }

    const job = this.job;
    if (job) {
      if (isActive(newState)) {
        job.activeSeen = true;
        this.unsettled.set(job.key, { ...job.info });
        this.trimMap(this.unsettled);
      }
      if (isTerminalState(newState)) this.markEnded(job.key);
      if (obs.progress !== undefined) job.progressMark = Math.max(job.progressMark, Math.floor(obs.progress));
      if (obs.layer !== undefined) job.layerMark = Math.max(job.layerMark ?? 0, obs.layer);
    }
    if (obs.errors) this.updateErrors(obs.errors, time, obs.raw, events, !this.everBaselined);
    this.everBaselined = true;
  }

  private applyEdge(obs: Observation, time: Date, events: PrinterEvent[]): void {
    const prevState = this.state;
    const newState = obs.state ?? prevState;
    const keyChanged = obs.jobKey !== undefined && obs.jobKey !== this.job?.key;

    if (isActive(newState) && (!isActive(prevState) || keyChanged)) {
      this.startJob(obs, newState, time, events, keyChanged);
    } else {
      if (this.job && (obs.jobKey === undefined || obs.jobKey === this.job.key)) {
        this.job.info = mergeJobInfo(this.job.info, obs);
      } else if (keyChanged) {
        this.job = this.newJob(obs, time);
      }
      this.state = newState;
      this.stateEdge(prevState, newState, obs, time, events);
    }

    const job = this.job;
    if (job && isActive(this.state) && !this.ended.has(job.key)) {
      this.progressEdge(job, obs, time, events);
      this.layerEdge(job, obs, time, events);
    }
    if (obs.errors) this.updateErrors(obs.errors, time, obs.raw, events, false);
  }

  private startJob(obs: Observation, state: JobState | undefined, time: Date, events: PrinterEvent[], keyChanged: boolean): void {
    const reuse = this.job && !keyChanged && !this.ended.has(this.job.key) && !isTerminalState(this.state) && this.state !== 'idle';
    const job = reuse && this.job ? this.job : this.newJob(obs, time);
    if (reuse) job.info = mergeJobInfo(job.info, obs);
    this.job = job;
    this.state = state;
    if (this.ended.has(job.key)) return; // a late report of a job that already ended
    job.activeSeen = true;
    job.progressMark = obs.progress !== undefined ? Math.floor(obs.progress) : 0;
    job.layerMark = obs.layer;
    this.unsettled.set(job.key, { ...job.info });
    this.trimMap(this.unsettled);
    events.push(this.event('print.started', time, { raw: obs.raw, withJob: true }));
    if (state === 'paused') {
      job.pauses += 1;
      events.push(this.event('print.paused', time, { reason: obs.reason, discriminator: job.pauses, raw: obs.raw, withJob: true }));
    }
  }

  private stateEdge(prev: JobState | undefined, next: JobState | undefined, obs: Observation, time: Date, events: PrinterEvent[]): void {
    const job = this.job;
    if (!job || prev === next || this.ended.has(job.key)) return;
    if (prev === 'printing' && next === 'paused') {
      job.pauses += 1;
      events.push(this.event('print.paused', time, { reason: obs.reason, discriminator: job.pauses, raw: obs.raw, withJob: true }));
    } else if (prev === 'paused' && next === 'printing') {
      events.push(this.event('print.resumed', time, { discriminator: job.pauses, raw: obs.raw, withJob: true }));
    } else if (isTerminalState(next) && job.activeSeen) {
      events.push(this.terminalEvent(next, job.info, obs, time));
      this.markEnded(job.key);
    } else if (next === 'idle' && isActive(prev) && job.activeSeen && this.idleAfterActive === 'cancelled') {
      events.push(this.terminalEvent('cancelled', job.info, { ...obs, reason: obs.reason ?? 'aborted' }, time));
      this.markEnded(job.key);
    }
  }

  private progressEdge(job: JobContext, obs: Observation, time: Date, events: PrinterEvent[]): void {
    if (obs.progress === undefined || !Number.isFinite(obs.progress)) return;
    const whole = Math.floor(obs.progress);
    if (whole <= job.progressMark) return;
    job.progressMark = whole;
    if (whole < 1 || whole > 99) return;
    events.push(this.event('print.progress', time, { discriminator: whole, raw: obs.raw, withJob: true, progress: whole }));
  }

  private layerEdge(job: JobContext, obs: Observation, time: Date, events: PrinterEvent[]): void {
    if (obs.layer === undefined || !Number.isFinite(obs.layer)) return;
    const previous = job.layerMark;
    if (previous !== undefined && obs.layer <= previous) return;
    job.layerMark = obs.layer;
    if (previous === undefined) return;
    events.push(this.event('print.layer', time, { discriminator: obs.layer, raw: obs.raw, withJob: true }));
  }

  private updateErrors(errors: EventError[], time: Date, raw: unknown, events: PrinterEvent[], silent: boolean): void {
    const next = new Set<string>();
    for (const error of errors) {
      const code = error.code ?? error.message;
      next.add(code);
      if (this.errorCodes.has(code) || silent) continue;
      events.push(this.event('printer.error', time, { error, discriminator: code, raw, withJob: true }));
    }
    this.errorCodes = next;
  }

  private bedEdge(obs: Observation, time: Date, events: PrinterEvent[]): void {
    const job = this.bedCooled.reading(obs.bedTemp, isActive(this.state));
    if (!job) return;
    events.push(buildEvent({ type: 'printer.bed_cooled', printer: this.printer, time, job, discriminator: 'bed_cooled', raw: this.includeRaw ? obs.raw : undefined }));
  }

  private terminalEvent(outcome: TerminalState, info: JobInfo, obs: Observation, time: Date): PrinterEvent {
    this.unsettled.delete(info.id);
    this.bedCooled.jobEnded(info);
    const type = TERMINAL_EVENT[outcome];
    const error = outcome === 'failed' ? obs.error : undefined;
    const reason = outcome === 'finished' ? undefined : obs.reason;
    return buildEvent({
      type,
      printer: this.printer,
      time,
      job: info,
      error,
      reason,
      raw: this.includeRaw ? obs.raw : undefined,
    });
  }

  private event(
    type: EventType,
    time: Date,
    extra: { discriminator?: string | number; reason?: string; error?: EventError; raw?: unknown; withJob?: boolean; progress?: number },
  ): PrinterEvent {
    const job = extra.withJob && this.job && (type.startsWith('print.') || isActive(this.state)) ? { ...this.job.info } : undefined;
    if (job && extra.progress !== undefined) job.progress = extra.progress;
    return buildEvent({
      type,
      printer: this.printer,
      time,
      job,
      error: extra.error,
      reason: extra.reason,
      discriminator: extra.discriminator,
      raw: this.includeRaw ? extra.raw : undefined,
    });
  }

  private newJob(obs: Observation, time: Date): JobContext {
    const startedAt = obs.started_at ?? time.toISOString();
    const key = obs.jobKey ?? `auto:${startedAt}`;
    return {
      key,
      info: mergeJobInfo({ id: key, started_at: startedAt }, obs),
      activeSeen: false,
      progressMark: 0,
      layerMark: undefined,
      pauses: 0,
    };
  }

  private markEnded(key: string): void {
    this.ended.delete(key);
    this.ended.set(key, true);
    this.unsettled.delete(key);
    this.trimMap(this.ended);
  }

  private rememberOneOff(key: string): boolean {
    if (this.oneOffs.has(key)) return false;
    this.oneOffs.set(key, true);
    this.trimMap(this.oneOffs);
    return true;
  }

  private trimMap(map: Map<string, unknown>): void {
    while (map.size > this.memory) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  }
}
