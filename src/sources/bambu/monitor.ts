import type { EventError, PrinterEvent, PrinterRef } from '../../event';
import { isActive, JobTracker, type JobState, type Observation } from '../../lifecycle';
import { PresenceTracker } from '../../presence';
import type { JobStateStore } from '../../state/job-state-store';
import { JobStatePersistence } from '../../state/persistence';
import { currentErrors, decodePrintError, isCancelCode, printErrorCode, printErrorText } from './codes';
import { describeError } from '../guard';
import type { BambuConnection, BambuListener, LinkPhase } from './connection';
import { attentionReason, isActiveRaw, jobDetails, jobKeyOf, jobStateOf } from './job-state';
import type { BambuState } from './merge';
import { loadedMaterial, reportedNozzle } from './material';
import { ChangeWatch } from '../change-watch';

export interface MonitorOptions {
  printer: PrinterRef;
  connection: BambuConnection;
  emit: (event: PrinterEvent) => void;
  onPhase?: (phase: LinkPhase, job?: { state?: string; progress?: number }) => void;
  includeRaw?: boolean;
  /** printer.offline only after the link stayed down this long (default 60 s). */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off; default 35). */
  bedCooledBelow?: number;
  now?: () => Date;
  /** Persisted job state (default: the connection's); restored before the first baseline. */
  jobState?: JobStateStore;
}

const ATTENTION_TEXT: Record<string, string> = {
  filament_runout: 'Filament ran out',
  user_pause: 'Paused by the user',
  gcode_pause: 'Paused by the G-code (user pause)',
};

/**
 * One source node's view of a shared Bambu connection: turns merged reports into observations for the
 * shared JobTracker (Bambu's cancel, failure and pause rules) and reports presence.
 */
export class BambuMonitor implements BambuListener {
  private readonly tracker: JobTracker;
  private readonly presence: PresenceTracker;
  private readonly persistence: JobStatePersistence;
  private lastGcodeState: string | undefined;
  private lastPrintError: string | undefined;
  /** A cancel was seen while the printer still says RUNNING/PAUSE: keep it cancelled until it leaves them. */
  private cancelPending = false;
  private disposed = false;
  private errorCache: { hms: unknown; printError: unknown; model: string | undefined; errors: EventError[] } | undefined;
  /** printer.material_changed / printer.nozzle_changed edges (docs/bambu.md, "Material and nozzle"). */
  private readonly material: ChangeWatch;
  private readonly nozzle: ChangeWatch;

  constructor(private readonly options: MonitorOptions) {
    this.tracker = new JobTracker({ printer: options.printer, includeRaw: options.includeRaw, idleAfterActive: 'cancelled', now: options.now, bedCooledBelow: options.bedCooledBelow });
    this.presence = new PresenceTracker({
      printer: options.printer,
      offlineDelayMs: options.offlineDelayMs ?? 60_000,
      emit: (event) => this.send([event]),
      now: options.now,
    });
    // A restart resumes what the last run knew: the first report then ends or continues that job (docs/lifecycle.md).
    this.persistence = new JobStatePersistence(this.tracker, options.jobState ?? options.connection.jobState);
    this.persistence.restore();
    this.material = new ChangeWatch(options.printer, options.now);
    this.nozzle = new ChangeWatch(options.printer, options.now);
    options.connection.addListener(this);
  }

  get jobState(): JobState | undefined {
    return this.tracker.currentState;
  }

  dispose(): void {
    this.disposed = true;
    this.options.connection.removeListener(this);
    this.presence.dispose();
  }

  phase(phase: LinkPhase): void {
    this.options.onPhase?.(phase, this.summary());
  }

  baseline(state: BambuState): void {
    this.tracker.connected();
    const followed = isActive(this.tracker.currentState) ? this.tracker.currentJob : undefined;
    const obs = this.observation(state, true);
    const events = this.tracker.observe(obs);
    // Back to IDLE while we were away (the printer restarted): the live rule, RUNNING → IDLE is a cancel.
    if (followed && obs.state === 'idle') events.push(...this.tracker.settle(followed.id, 'cancelled', { reason: 'aborted' }));
    this.send(events);
    this.persistence.baselineTaken();
    this.presence.online();
    this.afterObserve(state);
    this.material.connected();
    this.nozzle.connected();
    this.watchInfo(state);
  }

  report(delta: BambuState, state: BambuState): void {
    const stateBefore = this.tracker.currentState;
    const progressBefore = this.tracker.currentJob?.progress;
    this.send(this.tracker.observe(this.observation(state, false, delta)));
    this.afterObserve(state);
    this.watchInfo(state, delta);
    const progressAfter = this.tracker.currentJob?.progress;
    if (stateBefore !== this.tracker.currentState || Math.floor(progressBefore ?? -1) !== Math.floor(progressAfter ?? -1)) {
      this.options.onPhase?.(this.options.connection.phase, this.summary());
    }
  }

  down(): void {
    this.tracker.disconnected();
    this.presence.offline();
  }

  private observation(state: BambuState, baseline: boolean, delta?: BambuState): Observation {
    const model = this.options.connection.printer.model;
    const gcodeState = typeof state.gcode_state === 'string' ? state.gcode_state.toUpperCase() : undefined;
    const printError = printErrorCode(state.print_error);
    const failReason = printErrorCode(state.fail_reason);
    const startedNow = !baseline && isActiveRaw(gcodeState) && !isActiveRaw(this.lastGcodeState);
    const cancelEdge = !baseline && isCancelCode(printError) && this.lastPrintError === undefined;

    let jobState = jobStateOf(gcodeState);
    let reason: string | undefined;
    let error: Observation['error'];
    if (startedNow || !isActiveRaw(gcodeState)) this.cancelPending = false;
    if (cancelEdge && isActiveRaw(gcodeState) && !startedNow) this.cancelPending = true;

    if (jobState === 'failed' && (isCancelCode(printError) || isCancelCode(failReason))) {
      jobState = 'cancelled';
      reason = 'user';
    } else if (this.cancelPending || (cancelEdge && isActive(this.tracker.currentState))) {
      jobState = 'cancelled';
      reason = 'user';
    } else if (jobState === 'failed') {
      reason = 'error';
      error = decodePrintError(state.print_error, model) ?? decodePrintError(state.fail_reason, model) ?? { message: 'The print failed', severity: 'error' };
    } else if (jobState === 'paused') {
      const attention = attentionReason(state);
      reason = attention === 'user_pause' ? 'user' : attention;
    }

    const obs: Observation = { ...jobDetails(state), state: jobState, reason, error, errors: this.errorsOf(state, model) };
    if (baseline) obs.jobKey = this.baselineKey(state);
    else if (startedNow) obs.jobKey = this.freshKey(state);
    if (this.options.includeRaw) obs.raw = structuredClone(delta ?? state);
    this.lastGcodeState = gcodeState ?? this.lastGcodeState;
    this.lastPrintError = printError;
    return obs;
  }

  /** The decoded fault list, reused while the printer keeps reporting the same print_error and hms list. */
  private errorsOf(state: BambuState, model: string | undefined): EventError[] {
    const cache = this.errorCache;
    if (cache && cache.hms === state.hms && cache.printError === state.print_error && cache.model === model) return cache.errors;
    const errors = currentErrors(state.print_error, state.hms, model);
    this.errorCache = { hms: state.hms, printError: state.print_error, model, errors };
    return errors;
  }

  /** On (re)connect during the job we were following, keep its key even if the report names it differently. */
  private baselineKey(state: BambuState): string | undefined {
    const key = jobKeyOf(state);
    const current = this.tracker.currentJob;
    if (current && isActive(this.tracker.currentState) && isActiveRaw(state.gcode_state) && key !== current.id) {
      const file = jobDetails(state).file;
      if (key === undefined || (file !== undefined && file === current.file)) return current.id;
    }
    return key;
  }

  /** A new job may start before its name/ids arrive (delta reports): never reuse an ended job's key then. */
  private freshKey(state: BambuState): string {
    const key = jobKeyOf(state);
    const now = (this.options.now?.() ?? new Date()).toISOString();
    if (key === undefined) return `auto:${now}`;
    return this.tracker.snapshot().ended.includes(key) ? `${key}@${now}` : key;
  }

  private afterObserve(state: BambuState): void {
    this.lastGcodeState = typeof state.gcode_state === 'string' ? state.gcode_state.toUpperCase() : this.lastGcodeState;
    if (this.tracker.currentState !== 'paused') return;
    const reason = attentionReason(state);
    if (!reason) return;
    const code = printErrorCode(state.print_error);
    const message = (code && printErrorText(code)) ?? ATTENTION_TEXT[reason] ?? reason;
    this.send(this.tracker.raiseAttention(reason, message, undefined, this.options.includeRaw ? structuredClone(state) : undefined));
  }

  /** The loaded filament (AMS tray or external spool) and the nozzle: events on edges only. */
  private watchInfo(state: BambuState, delta?: BambuState): void {
    const job = isActive(this.tracker.currentState) ? this.tracker.currentJob : undefined;
    const raw = (): unknown => (this.options.includeRaw ? structuredClone(delta ?? state) : undefined);
    const material = loadedMaterial(state);
    this.send(this.material.observe(material?.key, () => ({ type: 'printer.material_changed', value: material?.value ?? {}, raw: raw() }), job));
    const nozzle = reportedNozzle(state);
    this.send(this.nozzle.observe(nozzle?.key, () => ({ type: 'printer.nozzle_changed', value: nozzle?.value ?? {}, raw: raw() }), job));
  }

  private summary(): { state?: string; progress?: number } {
    return { state: this.tracker.currentState, progress: this.tracker.currentJob?.progress };
  }

  private send(events: PrinterEvent[]): void {
    if (this.disposed) return;
    for (const event of events) {
      try {
        this.options.emit(event);
      } catch (err) {
        // Also reached from the presence timer: nothing may escape into the event loop (docs/robustness.md).
        this.options.connection.options.warn?.(`bambu ${this.options.connection.options.serial}: emitting ${event.type} failed: ${describeError(err)}`);
      }
    }
    this.persistence.emitted(events);
  }
}
