import type { PrinterEvent, PrinterRef } from '../../event';
import { isActive, isTerminalState, JobTracker, type Observation, type TerminalState } from '../../lifecycle';
import { PresenceTracker } from '../../presence';
import { JobStatePersistence } from '../../state/persistence';
import type { JobStateStore } from '../../state/job-state-store';
import { describeError } from '../guard';
import { SerialQueue } from '../moonraker/serial-queue';
import { isActivePhase, observationOf } from './job-state';
import type { ElegooLink, ElegooListener, LinkPhase } from './link';
import type { ElegooReading } from './reading';

export interface MonitorOptions {
  printer: PrinterRef;
  link: ElegooLink;
  emit: (event: PrinterEvent) => void;
  onPhase?: (phase: LinkPhase, job?: { state?: string; progress?: number }) => void;
  includeRaw?: boolean;
  /** printer.offline only after the link stayed down this long (default 30 s). */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off; default 35). */
  bedCooledBelow?: number;
  /** Where the printer's job state survives a restart (src/state/job-state-store.ts). */
  jobState?: JobStateStore;
  warn?: (message: string) => void;
  now?: () => Date;
}

/** SDCP file-transfer error codes (sdcp/error pushes). */
const SDCP_ERRORS: Record<string, string> = { '1': 'File transfer failed: MD5 check', '2': 'File transfer failed: file format' };

/** What a job that ended unseen is taken to be when the printer's history cannot say (docs/elegoo.md, "Reconnect"). */
const UNSEEN_END: { outcome: TerminalState; reason: string } = { outcome: 'cancelled', reason: 'aborted' };

/**
 * One source node's view of a shared Elegoo link: turns readings into observations for the shared
 * JobTracker, keeps the job's identity (task id, file name) after the printer has cleared it, settles
 * jobs that ended unseen once (from the printer's history when it keeps one), and reports presence.
 * Readings are handled strictly in arrival order.
 */
export class ElegooMonitor implements ElegooListener {
  private readonly tracker: JobTracker;
  private readonly presence: PresenceTracker;
  private readonly queue: SerialQueue;
  private readonly persistence: JobStatePersistence;
  private disposed = false;

  constructor(private readonly options: MonitorOptions) {
    this.tracker = new JobTracker({ printer: options.printer, includeRaw: options.includeRaw, idleAfterActive: 'nothing', now: options.now, bedCooledBelow: options.bedCooledBelow });
    this.presence = new PresenceTracker({ printer: options.printer, offlineDelayMs: options.offlineDelayMs, emit: (e) => this.send([e]), now: options.now });
    this.queue = new SerialQueue((err) => this.warn(`elegoo: ${describeError(err)}`));
    this.persistence = new JobStatePersistence(this.tracker, options.jobState ?? options.link.jobState);
    this.persistence.restore();
    options.link.addListener(this);
  }

  get jobState(): string | undefined {
    return this.tracker.currentState;
  }

  dispose(): void {
    this.disposed = true;
    this.queue.clear();
    this.options.link.removeListener(this);
    this.presence.dispose();
  }

  phase(phase: LinkPhase): void {
    this.options.onPhase?.(phase, this.summary());
  }

  baseline(reading: ElegooReading, raw: Record<string, unknown>): void {
    this.queue.push(() => this.takeBaseline(reading, this.rawOf(raw)));
  }

  report(reading: ElegooReading, raw: Record<string, unknown>): void {
    this.queue.push(() => this.apply(reading, this.rawOf(raw)));
  }

  down(): void {
    this.queue.push(() => {
      this.tracker.disconnected();
      this.presence.offline();
    });
  }

  printerError(code: string): void {
    const message = SDCP_ERRORS[code] ?? `Printer error ${code}`;
    this.queue.push(() => this.send(this.tracker.raiseError({ code: `sdcp_error_${code}`, message, severity: 'error' })));
  }

  /** Another printer answers at this address: forget the job we followed, it is not this printer's. */
  replaced(): void {
    this.queue.push(() => {
      this.warn(`elegoo: ${this.options.printer.name}: another printer (new MAC address) answers at this address; its state is taken as a fresh baseline`);
      this.tracker.restore({ state: undefined, job: undefined, ended: [], unsettled: [], errorCodes: [] });
    });
  }

  private async takeBaseline(reading: ElegooReading, raw: unknown): Promise<void> {
    this.tracker.connected();
    const obs = this.observation(reading, raw, true);
    const followed = isActive(this.tracker.currentState) ? this.tracker.currentJob?.id : undefined;
    // The baseline itself ends the followed job when it shows it (or a cleared task) ended; every other open job is settled first.
    const showsFollowed = followed !== undefined && (obs.jobKey === undefined || obs.jobKey === followed) && (isActive(obs.state) || isTerminalState(obs.state));
    const confirmFollowed = showsFollowed && isTerminalState(obs.state) && obs.jobKey === undefined;
    const open = this.tracker.snapshot().unsettled.map(([key]) => key).filter((key) => key !== followed || !showsFollowed || confirmFollowed);
    await this.settleUnseen(open, showsFollowed && !confirmFollowed ? followed : undefined, confirmFollowed ? followed : undefined);
    if (followed !== undefined && !showsFollowed && isActive(obs.state)) {
      // The followed job ended while we were away and this one began after it: its start is an edge we missed.
      this.tracker.observe({ state: 'idle' });
    }
    this.send(this.tracker.observe(obs));
    this.persistence.baselineTaken();
    this.presence.online();
    this.afterObserve(reading);
    this.options.onPhase?.(this.options.link.phase, this.summary());
  }

  /** Synchronous unless a job left without its end (then the printer's history is asked first). */
  private apply(reading: ElegooReading, raw: unknown): void | Promise<void> {
    const obs = this.observation(reading, raw, false);
    const followed = this.tracker.currentJob?.id;
    if (isActive(this.tracker.currentState) && followed !== undefined && (obs.state === 'idle' || (obs.jobKey !== undefined && obs.jobKey !== followed))) {
      // The job left without a terminal status (the printer went idle, or straight to another job): ask how it ended.
      return this.settleUnseen([followed]).then(() => this.observeEdge(reading, obs));
    }
    this.observeEdge(reading, obs);
  }

  private observeEdge(reading: ElegooReading, obs: Observation): void {
    const stateBefore = this.tracker.currentState;
    const progressBefore = this.tracker.currentJob?.progress;
    this.send(this.tracker.observe(obs));
    this.afterObserve(reading);
    const progressAfter = this.tracker.currentJob?.progress;
    if (stateBefore !== this.tracker.currentState || Math.floor(progressBefore ?? -1) !== Math.floor(progressAfter ?? -1)) {
      this.options.onPhase?.(this.options.link.phase, this.summary());
    }
  }

  /**
   * Jobs that ended while we did not see it: the printer's history says how (SDCP); without an answer a
   * job gets UNSEEN_END, except `leave` (the baseline shows it is still on) and `confirm` (the baseline
   * shows its end itself).
   */
  private async settleUnseen(keys: string[], leave?: string, confirm?: string): Promise<void> {
    const open = keys.filter((key) => key !== leave);
    if (open.length === 0) return;
    const taskIds = open.filter((key) => key.startsWith('task:')).map((key) => key.slice('task:'.length));
    let outcomes = new Map<string, TerminalState>();
    if (taskIds.length > 0) {
      try {
        outcomes = await this.options.link.jobOutcomes(taskIds);
      } catch (err) {
        this.warn(`elegoo: ${this.options.printer.name}: the printer's history did not answer (${describeError(err)})`);
      }
    }
    for (const key of open) {
      const outcome = outcomes.get(key.slice('task:'.length));
      if (outcome) {
        const reason = outcome === 'cancelled' ? 'user' : outcome === 'failed' ? 'error' : undefined;
        const error = outcome === 'failed' ? { code: 'history_exceptional', message: 'The printer recorded the job as ended by an error', severity: 'fatal' as const } : undefined;
        this.send(this.tracker.settle(key, outcome, { reason, error }));
      } else if (key !== confirm) {
        this.send(this.tracker.settle(key, ...this.unseenEnd(key)));
      }
    }
  }

  /** Without the printer's word: a job last seen at 100 % finished; any other was aborted (inferred, docs/elegoo.md). */
  private unseenEnd(key: string): [TerminalState, { reason?: string }] {
    const job = this.tracker.currentJob;
    if (job?.id === key && (job.progress ?? 0) >= 100) return ['finished', {}];
    return [UNSEEN_END.outcome, { reason: UNSEEN_END.reason }];
  }

  private observation(reading: ElegooReading, raw: unknown, baseline: boolean): Observation {
    const obs = observationOf(reading);
    obs.jobKey = this.jobKeyOf(reading, baseline);
    if (raw !== undefined) obs.raw = raw;
    return obs;
  }

  /**
   * The job a reading belongs to: its task id when it has one. A printer that has cleared the task id
   * (soon after an end) still reports the job we follow; an active job without a task id is the followed
   * one when the file matches, else a new one named by file and time.
   */
  private jobKeyOf(reading: ElegooReading, baseline: boolean): string | undefined {
    if (reading.taskId !== undefined) return `task:${reading.taskId}`;
    if (!isActivePhase(reading.phase)) return undefined;
    const current = this.tracker.currentJob;
    const following = current !== undefined && (isActive(this.tracker.currentState) || baseline);
    if (following && (reading.file === undefined || reading.file === current.file)) return current.id;
    if (reading.file !== undefined) return `file:${reading.file}@${this.now().toISOString()}`;
    return undefined;
  }

  private afterObserve(reading: ElegooReading): void {
    if (this.tracker.currentState !== 'paused' || !reading.runout) return;
    this.send(this.tracker.raiseAttention('filament_runout', 'Filament ran out'));
  }

  private rawOf(raw: Record<string, unknown>): unknown {
    return this.options.includeRaw ? structuredClone(raw) : undefined;
  }

  private summary(): { state?: string; progress?: number } {
    return { state: this.tracker.currentState, progress: this.tracker.currentJob?.progress };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private warn(message: string): void {
    try {
      this.options.warn?.(message);
    } catch {
      // nothing left to tell
    }
  }

  private send(events: PrinterEvent[]): void {
    if (this.disposed || events.length === 0) return;
    for (const event of events) {
      try {
        this.options.emit(event);
      } catch (err) {
        // Also reached from the presence timer: nothing may escape into the event loop.
        this.warn(`elegoo: emitting ${event.type} failed: ${describeError(err)}`);
      }
    }
    this.persistence.emitted(events);
  }
}
