import type { PrinterEvent, PrinterRef } from '../../event';
import { isActive, JobTracker, type JobState } from '../../lifecycle';
import { PresenceTracker } from '../../presence';
import type { JobStateStore } from '../../state/job-state-store';
import { JobStatePersistence } from '../../state/persistence';
import { describeError, guarded, safeReport } from '../guard';
import { isActiveCode, isIdleCode, stateCode } from './codes';
import type { CrealityConnection, CrealityListener, LinkPhase } from './connection';
import { awaitsPowerLossDecision, fileOf, isRunout, jobKeyOf, observationOf } from './job-state';
import type { CrealityState } from './merge';

export interface MonitorOptions {
  printer: PrinterRef;
  connection: CrealityConnection;
  emit: (event: PrinterEvent) => void;
  onPhase?: (phase: LinkPhase, job?: { state?: string; progress?: number }) => void;
  includeRaw?: boolean;
  /** printer.offline once the printer has been unreachable this long, silence included (default 12 s). */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off; default 35). */
  bedCooledBelow?: number;
  warn?: (message: string) => void;
  now?: () => Date;
  /** Persisted job state (default: the connection's); restored before the first baseline. */
  jobState?: JobStateStore;
}

/**
 * One source node's view of a shared Creality connection (docs/creality.md, "Lifecycle"): turns the
 * merged status into observations for the shared JobTracker, chooses the job key (start time + file,
 * never the key the idle printer still shows from its last job) and reports presence and attention.
 */
export class CrealityMonitor implements CrealityListener {
  private readonly tracker: JobTracker;
  private readonly presence: PresenceTracker;
  private readonly persistence: JobStatePersistence;
  private readonly fault: (message: string) => void;
  private lastCode: number | undefined;
  /** The key of the job being followed, fixed at its start even if the printer's start time arrives later. */
  private activeKey: string | undefined;
  /** The key the printer showed when it was last seen idle: a start that still shows it is a new job. */
  private idleKey: string | undefined;
  private offlineTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: MonitorOptions) {
    this.fault = (message) => safeReport((m) => options.warn?.(m), `creality: ${message}`);
    this.tracker = new JobTracker({ printer: options.printer, includeRaw: options.includeRaw, idleAfterActive: 'cancelled', now: options.now, bedCooledBelow: options.bedCooledBelow });
    // The monitor debounces offline itself (silence counts), so the presence announces at once.
    this.presence = new PresenceTracker({ printer: options.printer, offlineDelayMs: 0, emit: (event) => this.send([event]), now: options.now });
    // A restart resumes what the last run knew: the first status then ends or continues that job (docs/lifecycle.md).
    this.persistence = new JobStatePersistence(this.tracker, options.jobState ?? options.connection.jobState);
    this.persistence.restore();
    options.connection.addListener(this);
  }

  get jobState(): JobState | undefined {
    return this.tracker.currentState;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.offlineTimer);
    this.options.connection.removeListener(this);
    this.presence.dispose();
  }

  phase(phase: LinkPhase): void {
    this.options.onPhase?.(phase, this.summary());
  }

  baseline(state: Readonly<CrealityState>): void {
    clearTimeout(this.offlineTimer);
    this.offlineTimer = undefined;
    this.tracker.connected();
    const code = stateCode(state.state);
    const followed = isActive(this.tracker.currentState) ? this.tracker.currentJob : undefined;
    const obs = this.withRaw(observationOf(state), state);
    obs.jobKey = this.baselineKey(state, code);
    const events = this.tracker.observe(obs);
    // Idle while we were away (the printer restarted; a finished job would still show 2): the live rule, active → idle is a cancel.
    if (followed && obs.state === 'idle') events.push(...this.tracker.settle(followed.id, 'cancelled', { reason: 'aborted' }));
    this.send(events);
    this.persistence.baselineTaken();
    this.activeKey = isIdleCode(code) ? undefined : obs.jobKey;
    this.idleKey = isIdleCode(code) ? jobKeyOf(state) : undefined;
    this.lastCode = code;
    this.presence.online();
    this.attention(state);
    this.options.onPhase?.(this.options.connection.phase, this.summary());
  }

  report(delta: Readonly<CrealityState>, state: Readonly<CrealityState>): void {
    const stateBefore = this.tracker.currentState;
    const progressBefore = this.tracker.currentJob?.progress;
    const code = stateCode(state.state);
    const prev = this.lastCode;
    if (isActiveCode(code) && isIdleCode(prev)) this.activeKey = this.freshKey(state);
    const obs = this.withRaw(observationOf(state), delta);
    if (!isIdleCode(code) || isActive(stateBefore)) obs.jobKey = this.activeKey;
    this.send(this.tracker.observe(obs));
    if (isIdleCode(code) && !isIdleCode(prev)) {
      this.idleKey = jobKeyOf(state);
      this.activeKey = undefined;
    }
    this.lastCode = code;
    this.attention(state);
    const progressAfter = this.tracker.currentJob?.progress;
    if (stateBefore !== this.tracker.currentState || Math.floor(progressBefore ?? -1) !== Math.floor(progressAfter ?? -1)) {
      this.options.onPhase?.(this.options.connection.phase, this.summary());
    }
  }

  down(_reason: string, silentMs: number): void {
    this.tracker.disconnected();
    clearTimeout(this.offlineTimer);
    const wait = Math.max(0, (this.options.offlineDelayMs ?? 12_000) - silentMs);
    this.offlineTimer = setTimeout(guarded('offline', this.fault, () => {
      this.offlineTimer = undefined;
      this.presence.offline();
    }), wait);
    this.offlineTimer.unref?.();
  }

  /** On (re)connect during the job we follow, keep its key: the printer may name it differently now. */
  private baselineKey(state: Readonly<CrealityState>, code: number | undefined): string | undefined {
    const key = jobKeyOf(state);
    const current = this.tracker.currentJob;
    const following = current !== undefined && isActive(this.tracker.currentState);
    if (following && current.file === fileOf(state) && (key === current.id || current.id.startsWith('auto:'))) return current.id;
    if (isIdleCode(code)) return key;
    return key !== undefined && !this.tracker.snapshot().ended.includes(key) ? key : this.autoKey(state);
  }

  /** The key of a job that starts now: the printer's, unless it is still the one the idle printer showed. */
  private freshKey(state: Readonly<CrealityState>): string {
    const key = jobKeyOf(state);
    if (key === undefined || key === this.idleKey || this.tracker.snapshot().ended.includes(key)) return this.autoKey(state);
    return key;
  }

  private autoKey(state: Readonly<CrealityState>): string {
    return `auto:${fileOf(state) ?? ''}:${(this.options.now?.() ?? new Date()).toISOString()}`;
  }

  /** Runout and power-loss recovery wait for a person: each one printer.attention. */
  private attention(state: Readonly<CrealityState>): void {
    const raw = this.options.includeRaw ? { ...state } : undefined;
    const jobState = this.tracker.currentState;
    if (isActive(jobState) && isRunout(state)) {
      // Counted against the pause the runout causes, so a flag seen before and after the pause is one event.
      const pauses = this.tracker.snapshot().job?.pauses ?? 0;
      const occurrence = jobState === 'paused' ? pauses : pauses + 1;
      this.send(this.tracker.raiseAttention('filament_runout', 'Filament ran out', undefined, raw, occurrence));
    }
    if (awaitsPowerLossDecision(state)) {
      this.send(this.tracker.raiseAttention('power_loss_recovery', 'The printer asks whether to resume the print interrupted by a power loss', undefined, raw, jobKeyOf(state) ?? 'unknown'));
    }
  }

  private withRaw<T extends { raw?: unknown }>(obs: T, raw: Readonly<CrealityState>): T {
    if (this.options.includeRaw) obs.raw = { ...raw };
    return obs;
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
        this.fault(`emitting ${event.type} failed: ${describeError(err)}`);
      }
    }
    this.persistence.emitted(events);
  }
}
