import type { PrinterEvent, PrinterRef } from '../../event';
import { isActive, JobTracker } from '../../lifecycle';
import { PresenceTracker } from '../../presence';
import type { JobStateStore } from '../../state/job-state-store';
import { JobStatePersistence } from '../../state/persistence';
import { describeError, safeReport } from '../guard';
import type { LinkPhase, PrusaLinkConnection, PrusaLinkListener } from './connection';
import { isIdleRaw, missedEndOutcome, observationFrom } from './job-state';
import type { PrinterView } from './merge';

export interface MonitorOptions {
  printer: PrinterRef;
  /** The poller to follow. Without one, views are fed through baseline()/report() (tests, bench). */
  connection?: PrusaLinkConnection;
  emit: (event: PrinterEvent) => void;
  onPhase?: (phase: LinkPhase, job?: { state?: string; progress?: number }) => void;
  includeRaw?: boolean;
  /** printer.offline only after the printer stayed away this long (default 30 s). */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off; default 35). */
  bedCooledBelow?: number;
  /** Persisted job state; default: the connection's (docs/lifecycle.md, "Restarts"). */
  jobState?: JobStateStore;
  warn?: (message: string) => void;
  now?: () => Date;
}

/**
 * One source node's view of a shared PrusaLink poller: turns each poll into observations for the shared
 * JobTracker, with the PrusaLink rules the tracker cannot know (docs/prusalink.md, "Events"): ATTENTION
 * before a print started is no job yet, BUSY keeps the job, and an active job that is gone without an end
 * state gets its one inferred terminal event.
 */
export class PrusaLinkMonitor implements PrusaLinkListener {
  readonly tracker: JobTracker;
  private readonly presence: PresenceTracker;
  private readonly persistence: JobStatePersistence;
  private link: LinkPhase = { phase: 'idle' };
  /** Job ids seen printing or paused: an ATTENTION for one of them is a pause, for another a print preview. */
  private startedIds = new Set<string>();
  private disposed = false;
  /** A poll has been seen in this run (the next ones are edges, even after an outage). */
  private polled = false;

  constructor(private readonly options: MonitorOptions) {
    this.tracker = new JobTracker({ printer: options.printer, includeRaw: options.includeRaw, idleAfterActive: 'nothing', now: options.now, bedCooledBelow: options.bedCooledBelow });
    this.persistence = new JobStatePersistence(this.tracker, options.jobState ?? options.connection?.jobState, () => ({ started: [...this.startedIds] }));
    this.restore();
    this.presence = new PresenceTracker({ printer: options.printer, offlineDelayMs: options.offlineDelayMs, emit: (event) => this.send([event]), now: options.now });
    options.connection?.addListener(this);
  }

  dispose(): void {
    this.disposed = true;
    this.options.connection?.removeListener(this);
    this.presence.dispose();
  }

  phase(phase: LinkPhase): void {
    this.link = phase;
    this.options.onPhase?.(phase, this.summary());
  }

  /**
   * The first poll after (re)connecting. Only the first one of this run is a tracker baseline: after an outage
   * the state we kept is still a true earlier sample, so what differs now (a pause, an end, a new job) is an
   * edge, as between any two polls (docs/prusalink.md, "Baselines").
   */
  baseline(view: PrinterView): void {
    const first = !this.polled;
    this.polled = true;
    if (first) this.tracker.connected();
    this.apply(view, first);
    this.persistence.baselineTaken();
    this.presence.online();
    this.options.onPhase?.(this.link, this.summary());
  }

  report(view: PrinterView): void {
    const before = this.summaryKey();
    this.apply(view, false);
    if (before !== this.summaryKey()) this.options.onPhase?.(this.link, this.summary());
  }

  down(): void {
    this.presence.offline();
  }

  private apply(view: PrinterView, baseline: boolean): void {
    const raw = this.options.includeRaw ? structuredClone(view) : undefined;
    const jobKey = view.job ? String(view.job.id) : undefined;
    // A job that has printing time or progress has started, even if we first see it in ATTENTION (a runout).
    const hasRun = (view.job?.elapsed_s ?? 0) > 0 || (view.job?.progress ?? 0) > 0;
    if (jobKey !== undefined && (view.state === 'PRINTING' || view.state === 'PAUSED' || hasRun)) this.rememberStarted(jobKey);
    const started = jobKey !== undefined && this.startedIds.has(jobKey);
    const obs = observationFrom(view, started);
    obs.raw = raw;
    obs.time = this.options.now?.();
    if (view.state === 'ATTENTION' && jobKey !== undefined && !started) {
      // A print preview asks a question (wrong filament, printer type): not a job until it prints, and its
      // numbers must not be laid over the job we followed before.
      delete obs.jobKey;
      delete obs.file;
      delete obs.progress;
      delete obs.elapsed_s;
      delete obs.remaining_s;
      this.send(this.tracker.raiseAttention('print_preview', 'The printer asks a question before the print starts', obs.time, raw, `preview:${jobKey}`));
    }
    const missed = this.missedEnd(view, jobKey);
    if (missed) {
      const { state, ...details } = missedEndOutcome(this.tracker.currentJob?.progress);
      this.send(this.tracker.settle(missed, state, { ...details, time: obs.time, raw }));
      // Settled: what follows is judged as an edge from an idle printer (a new job gets its print.started).
      if (baseline) this.tracker.observe({ state: 'idle', time: obs.time });
    }
    this.send(this.tracker.observe(obs));
    if (obs.reason === 'attention') this.send(this.tracker.raiseAttention('attention', 'The printer waits for a person (filament runout or change, or a question on its screen)', obs.time, raw));
  }

  /** The key of the job we followed when the printer now holds none or another one, with no end state between. */
  private missedEnd(view: PrinterView, jobKey: string | undefined): string | undefined {
    const current = this.tracker.currentJob;
    if (!current || !isActive(this.tracker.currentState)) return undefined;
    if (jobKey !== undefined && jobKey !== current.id && this.startedIds.has(jobKey)) return current.id;
    if (jobKey === undefined && isIdleRaw(view.state)) return current.id;
    return undefined;
  }

  private rememberStarted(key: string): void {
    this.startedIds.delete(key);
    this.startedIds.add(key);
    if (this.startedIds.size > 64) this.startedIds.delete(this.startedIds.values().next().value as string);
  }

  /** What a previous run knew: the tracker, and which job ids had started printing. */
  private restore(): void {
    const extras = this.persistence.restore();
    const started = Array.isArray(extras?.started) ? extras.started : [];
    for (const key of started.slice(-64)) if (typeof key === 'string') this.rememberStarted(key);
    const job = this.tracker.snapshot().job;
    if (job?.activeSeen) this.rememberStarted(job.key);
  }

  private summary(): { state?: string; progress?: number } {
    return { state: this.tracker.currentState, progress: this.tracker.currentJob?.progress };
  }

  private summaryKey(): string {
    const { state, progress } = this.summary();
    return `${state}:${progress === undefined ? '' : Math.floor(progress)}`;
  }

  private send(events: PrinterEvent[]): void {
    if (this.disposed || events.length === 0) return;
    this.persistence.emitted(events);
    for (const event of events) {
      try {
        this.options.emit(event);
      } catch (error) {
        // Also reached from the presence timer: nothing may escape into the event loop.
        if (this.options.warn) safeReport(this.options.warn, `prusalink: emitting ${event.type} failed: ${describeError(error)}`);
      }
    }
  }
}
