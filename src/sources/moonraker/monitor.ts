import type { PrinterEvent, PrinterRef } from '../../event';
import { isActive, JobTracker } from '../../lifecycle';
import { PresenceTracker } from '../../presence';
import type { JobStateStore } from '../../state/job-state-store';
import { JobStatePersistence } from '../../state/persistence';
import type { HistoryChange, LinkPhase, MoonrakerConnection, MoonrakerListener } from './connection';
import { filamentMm, historyOutcome, isIdleRaw, isStartEdge, observationFrom, rawPrintState, runoutSensor, type FileMetadata } from './job-state';
import { mergeStatus, type PrinterObjects } from './merge';
import { SerialQueue } from './serial-queue';
import { isJobEdge, StartDeadline, touchesJob } from './start-wait';
import { MoonrakerPrinterInfo } from './printer-info';
import { dateFromEpochSeconds } from '../plausible';

/** How long a start that frames are waiting behind may ask history for its job id, ms. */
const QUICK_LOOKUP_MS = 250;

export interface MonitorOptions {
  printer: PrinterRef;
  connection: MoonrakerConnection;
  emit: (event: PrinterEvent) => void;
  /** Connection state changes, for the node status. */
  onPhase?: (phase: LinkPhase, job?: { state?: string; progress?: number }) => void;
  warn?: (message: string) => void;
  includeRaw?: boolean;
  /** printer.bed_cooled once the bed falls below this after a job (°C; the tracker's default when absent, 0 = off). */
  bedCooledBelow?: number;
  /** printer.offline only after the link stayed down this long (default 30 s). */
  offlineDelayMs?: number;
  /** How long a new job waits for its history entry (notify_history_changed "added") before asking (default 1500 ms). */
  historyWaitMs?: number;
  /** Once frames queue up behind a waiting start, it waits at most this much longer (default 150 ms; start-wait.ts). */
  historyGraceMs?: number;
  /** Timeout of the side calls made for a job (history, metadata); default 3000 ms. */
  callTimeoutMs?: number;
  now?: () => Date;
  /** Persisted job state (default: the connection's); restored before the first baseline. */
  jobState?: JobStateStore;
  /** Only console lines and M117 texts with this prefix become printer.message (empty: all). */
  messagePrefix?: string;
}

interface AddedJob {
  jobId: string;
  filename?: string;
}

/**
 * One source node's view of a shared Moonraker connection: keeps its own merged object state, maps it
 * onto the shared JobTracker (Moonraker's job_state rules, history job ids, catch-up after reconnect)
 * and reports presence. Printer messages are handled strictly in arrival order.
 */
export class MoonrakerMonitor implements MoonrakerListener {
  private readonly tracker: JobTracker;
  private readonly presence: PresenceTracker;
  private readonly queue: SerialQueue;
  private readonly persistence: JobStatePersistence;
  private readonly options: MonitorOptions;
  private objects: PrinterObjects = {};
  private haveBaseline = false;
  private lastRaw: string | undefined;
  private lastFile: string | undefined;
  private meta: FileMetadata | undefined;
  private metaFile: string | undefined;
  private latestAdded: AddedJob | undefined;
  private addedWaiter: ((job: AddedJob) => void) | undefined;
  /** Set while a start edge waits for its history id (docs/robustness.md, "Moonraker start edges"). */
  private startDeadline: StartDeadline | undefined;
  private disposed = false;
  private promptTitle: string | undefined;
  /** printer.message and printer.material_changed beside the lifecycle (printer-info.ts). */
  private readonly info: MoonrakerPrinterInfo;

  constructor(options: MonitorOptions) {
    this.options = options;
    this.tracker = new JobTracker({ printer: options.printer, includeRaw: options.includeRaw, idleAfterActive: 'cancelled', now: options.now, bedCooledBelow: options.bedCooledBelow });
    this.presence = new PresenceTracker({ printer: options.printer, offlineDelayMs: options.offlineDelayMs, emit: (e) => this.send([e]), now: options.now });
    // A restart resumes what the last run knew: catch-up settles its open job from history (docs/lifecycle.md).
    this.persistence = new JobStatePersistence(this.tracker, options.jobState ?? options.connection.jobState);
    this.persistence.restore();
    this.queue = new SerialQueue((err) => this.options.warn?.(`moonraker: ${(err as Error)?.message ?? String(err)}`));
    this.info = new MoonrakerPrinterInfo({
      printer: options.printer,
      connection: options.connection,
      messagePrefix: options.messagePrefix,
      includeRaw: options.includeRaw,
      callTimeoutMs: options.callTimeoutMs,
      now: options.now,
      job: () => (isActive(this.tracker.currentState) ? this.tracker.currentJob : undefined),
      send: (events) => this.send(events),
      warn: options.warn,
    });
    options.connection.addListener(this);
  }

  dispose(): void {
    this.disposed = true;
    this.queue.clear();
    this.options.connection.removeListener(this);
    this.presence.dispose();
  }

  get jobState(): string | undefined {
    return this.tracker.currentState;
  }

  phase(phase: LinkPhase): void {
    this.options.onPhase?.(phase, this.jobSummary());
  }

  baseline(objects: PrinterObjects): void {
    this.queue.push(() => this.takeBaseline(objects));
  }

  status(diff: PrinterObjects): void {
    const waiting = this.startDeadline;
    // While a start waits, temperatures and other objects that cannot move a job do not queue behind it:
    // they are merged at once, and the start's observation reads them from the cache.
    if (waiting && !touchesJob(diff)) return void mergeStatus(this.objects, diff);
    waiting?.queued(isJobEdge(diff));
    this.queue.push(() => this.applyDiff(diff));
  }

  gcode(line: string): void {
    if (line.startsWith('// action:prompt_')) return this.prompt(line.slice('// action:prompt_'.length));
    if (!line.startsWith('!! ')) {
      const at = this.now();
      this.queue.push(() => this.send(this.info.line(line, at)));
      return;
    }
    const message = line.slice(3).trim();
    if (!message) return;
    this.queue.push(() => this.send(this.tracker.raiseError({ code: 'gcode_error', message, severity: 'error' }, undefined, { line })));
  }

  /** Klipper's host prompt protocol (RESPOND TYPE=command): a shown prompt waits for a person. */
  private prompt(rest: string): void {
    const [verb, ...words] = rest.split(' ');
    if (verb === 'begin') this.promptTitle = words.join(' ').trim() || undefined;
    else if (verb === 'end') this.promptTitle = undefined;
    else if (verb === 'show') {
      const title = this.promptTitle ?? 'The printer shows a prompt';
      const at = this.now();
      // A console line is never seen twice, so the time tells two prompts with the same title apart.
      this.queue.push(() => this.send(this.tracker.raiseAttention('prompt', title, at, undefined, `${title}@${at.getTime()}`)));
      // Also printer.message (source action:prompt), like OctoPrint's: only a prompt with a title has text.
      if (this.promptTitle !== undefined) this.queue.push(() => this.send(this.info.prompt(title, at)));
    }
  }

  history(change: HistoryChange): void {
    const jobId = typeof change.job.job_id === 'string' ? change.job.job_id : undefined;
    if (!jobId) return;
    if (change.action === 'added') {
      // Needed by a start edge that may be waiting in the queue right now: hand it over at once.
      const added = { jobId, filename: typeof change.job.filename === 'string' ? change.job.filename : undefined };
      this.latestAdded = added;
      this.addedWaiter?.(added);
      return;
    }
    if (change.action === 'finished') {
      this.startDeadline?.queued(true);
      // Usually print_stats has already ended this job: the tracker then ignores the settle.
      this.queue.push(() => void this.settleFromHistory(change.job));
    }
  }

  spool(spoolId: unknown): void {
    // Not queued: it only asks Spoolman about the spool; nothing may escape into the event loop.
    this.info.spoolSet(spoolId).catch((err: unknown) => this.options.warn?.(`moonraker: Spoolman: ${(err as Error)?.message ?? String(err)}`));
  }

  klippy(what: 'shutdown' | 'disconnected', message: string): void {
    this.startDeadline?.queued(true);
    this.queue.push(() => this.klippyDown(what, message));
  }

  /** Klippy halted or went away: printer.error, and during a job its one print.failed. */
  private klippyDown(what: 'shutdown' | 'disconnected', message: string): void {
    const active = this.tracker.currentState === 'printing' || this.tracker.currentState === 'paused';
    const code = what === 'shutdown' ? 'klippy_shutdown' : 'klippy_disconnect';
    const error = { code, message, severity: 'fatal' as const };
    if (what === 'shutdown' || active) this.send(this.tracker.raiseError(error));
    if (active) this.send(this.tracker.observe({ state: 'failed', error, reason: code }));
    this.haveBaseline = false;
    this.tracker.disconnected();
    if (what === 'disconnected') this.presence.offline();
    this.options.onPhase?.(this.options.connection.phase, this.jobSummary());
  }

  down(): void {
    this.queue.push(() => {
      this.haveBaseline = false;
      this.tracker.disconnected();
      this.presence.offline();
    });
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private jobSummary(): { state?: string; progress?: number } {
    return { state: this.tracker.currentState, progress: this.tracker.currentJob?.progress };
  }

  private send(events: PrinterEvent[]): void {
    if (this.disposed) return;
    for (const event of events) {
      try {
        this.options.emit(event);
      } catch (err) {
        // Also reached from the presence timer: nothing may escape into the event loop.
        this.options.warn?.(`moonraker: emitting ${event.type} failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    this.persistence.emitted(events);
  }

  private async takeBaseline(objects: PrinterObjects): Promise<void> {
    this.objects = objects;
    this.tracker.connected();
    const conn = this.options.connection;
    const settled = conn.hasHistory && this.hasOpenJobs() ? await this.catchUp() : [];
    const raw = rawPrintState(this.objects);
    const file = this.fileName();
    const current = this.tracker.currentJob;
    let jobKey: string | undefined;
    if (!isIdleRaw(raw)) {
      const [id] = await Promise.all([this.lookupRunningJob(file, false), this.loadMetadata(file)]);
      const sameAsBefore = current !== undefined && current.file === file && !settled.includes(current.id);
      jobKey = id ?? (sameAsBefore ? current.id : `auto:${file ?? ''}:${this.now().toISOString()}`);
    } else if (file !== undefined && current?.file !== undefined && current.file !== file) {
      // Without history a different file here is another job: do not let it end ours.
      jobKey = `file:${file}`;
    }
    const obs = this.withRaw(observationFrom(this.objects, this.metaFor(file), jobKey));
    if (settled.length > 0 && jobKey !== undefined && !settled.includes(jobKey) && !isIdleRaw(raw)) {
      // The job we followed ended while we were away and this one began after it: a start we missed.
      this.tracker.observe({ state: 'idle' });
    }
    this.send(this.tracker.observe(obs));
    this.persistence.baselineTaken();
    this.lastRaw = raw;
    this.lastFile = file;
    this.haveBaseline = true;
    this.presence.online();
    this.checkRunout();
    this.info.baseline(this.objects);
    this.options.onPhase?.(conn.phase, this.jobSummary());
  }

  private applyDiff(diff: PrinterObjects): void | Promise<void> {
    if (!this.haveBaseline) return;
    const before = this.tracker.currentJob?.progress;
    const stateBefore = this.tracker.currentState;
    mergeStatus(this.objects, diff);
    if (diff.webhooks?.state === 'shutdown') {
      // Klipper may show the halted job as paused, not error (docs/moonraker.md, "Events"): go by Klippy's own state.
      const text = typeof this.objects.webhooks?.state_message === 'string' ? this.objects.webhooks.state_message.trim() : '';
      return this.klippyDown('shutdown', text || 'Klippy shutdown');
    }
    const raw = rawPrintState(this.objects);
    const file = this.fileName();
    const prevRaw = this.lastRaw;
    const prevFile = this.lastFile;
    this.lastRaw = raw;
    this.lastFile = file;
    if (isStartEdge(prevRaw, raw, prevFile, file)) return this.startJob(raw, file, diff);
    this.send(this.tracker.observe(this.withRaw(observationFrom(this.objects, this.metaFor(file)), diff)));
    this.send(this.info.changed(diff, this.objects));
    this.checkRunout();
    const after = this.tracker.currentJob?.progress;
    if (stateBefore !== this.tracker.currentState || (before !== undefined && after !== undefined && Math.floor(before) !== Math.floor(after))) {
      this.options.onPhase?.(this.options.connection.phase, this.jobSummary());
    }
  }

  private async startJob(raw: string | undefined, file: string | undefined, diff: PrinterObjects): Promise<void> {
    const deadline = new StartDeadline({ budgetMs: this.options.historyWaitMs ?? 1500, graceMs: this.options.historyGraceMs });
    this.startDeadline = deadline;
    // Frames already wait behind this start: it must not add its wait to theirs.
    if (this.queue.backlog > 0) deadline.queued(true);
    let jobKey: string | undefined;
    try {
      [jobKey] = await Promise.all([this.lookupRunningJob(file, true, deadline), deadline.race(this.loadMetadata(file))]);
    } finally {
      deadline.finish();
      this.startDeadline = undefined;
    }
    const obs = this.withRaw(observationFrom(this.objects, this.metaFor(file), jobKey ?? `auto:${file ?? ''}:${this.now().toISOString()}`), diff);
    if (raw !== 'printing' && raw !== 'paused') {
      // Ended before we ever saw it printing: Moonraker infers the start first, so do we.
      this.send(this.tracker.observe({ ...obs, state: 'printing', error: undefined, reason: undefined }));
    }
    this.send(this.tracker.observe(obs));
    this.send(this.info.changed(diff, this.objects));
    this.checkRunout();
    this.options.onPhase?.(this.options.connection.phase, this.jobSummary());
  }

  private checkRunout(): void {
    if (this.tracker.currentState !== 'paused') return;
    const sensor = runoutSensor(this.objects);
    if (sensor === undefined) return;
    this.send(this.tracker.raiseAttention('filament_runout', `Filament runout (${sensor})`));
  }

  /**
   * The history job_id of the job now running: the "added" notification that follows the print_stats
   * edge, or (after a wait, or on a baseline) the newest history entry if it is in progress for this file.
   */
  private async lookupRunningJob(file: string | undefined, wait: boolean, deadline?: StartDeadline): Promise<string | undefined> {
    const conn = this.options.connection;
    if (!conn.hasHistory) return undefined;
    const ended = new Set(this.tracker.snapshot().ended);
    const fits = (job: AddedJob | undefined): job is AddedJob =>
      job !== undefined && !ended.has(job.jobId) && (file === undefined || job.filename === undefined || job.filename === file);
    if (wait) {
      if (fits(this.latestAdded)) {
        const id = this.latestAdded.jobId;
        this.latestAdded = undefined;
        return id;
      }
      const expired = deadline?.expired ?? new Promise<void>((resolve) => setTimeout(resolve, this.options.historyWaitMs ?? 1500).unref?.());
      const added = await new Promise<AddedJob | undefined>((resolve) => {
        const waiter = (job: AddedJob): void => {
          if (!fits(job)) return;
          this.addedWaiter = undefined;
          this.latestAdded = undefined;
          resolve(job);
        };
        this.addedWaiter = waiter;
        void expired.then(() => {
          if (this.addedWaiter === waiter) this.addedWaiter = undefined;
          resolve(undefined);
        });
      });
      if (added) return added.jobId;
    }
    // Frames wait behind this start: one quick question only, so they are held up briefly (start-wait.ts).
    const quick = deadline?.cutShort === true;
    try {
      const call = conn.call('server.history.list', { limit: 1, order: 'desc' }, quick ? QUICK_LOOKUP_MS : (this.options.callTimeoutMs ?? 3000));
      const result = (await (deadline && !quick ? deadline.untilQueued(call) : call)) as Record<string, unknown> | undefined;
      const job = Array.isArray(result?.jobs) ? (result.jobs[0] as Record<string, unknown> | undefined) : undefined;
      if (job && job.status === 'in_progress' && typeof job.job_id === 'string') {
        const candidate = { jobId: job.job_id, filename: typeof job.filename === 'string' ? job.filename : undefined };
        if (fits(candidate)) return candidate.jobId;
      }
    } catch (err) {
      // a quick question that got no answer in time is no fault: the job gets a generated id
      if (!quick) this.options.warn?.(`moonraker: history lookup failed: ${(err as Error).message}`);
    }
    return undefined;
  }

  private async loadMetadata(file: string | undefined): Promise<void> {
    if (file === undefined || file === this.metaFile) return;
    this.metaFile = file;
    this.meta = undefined;
    try {
      const result = (await this.options.connection.call('server.files.metadata', { filename: file }, this.options.callTimeoutMs ?? 3000)) as Record<string, unknown>;
      if (this.metaFile !== file || !result || typeof result !== 'object') return;
      const pick = (key: string) => (typeof result[key] === 'number' ? (result[key] as number) : undefined);
      this.meta = { gcode_start_byte: pick('gcode_start_byte'), gcode_end_byte: pick('gcode_end_byte'), estimated_time: pick('estimated_time') };
    } catch {
      // No metadata (not extracted yet, or no file manager): progress falls back to virtual_sdcard.
    }
  }

  private metaFor(file: string | undefined): FileMetadata | undefined {
    return file !== undefined && file === this.metaFile ? this.meta : undefined;
  }

  private fileName(): string | undefined {
    const name = this.objects.print_stats?.filename;
    return typeof name === 'string' && name !== '' ? name : undefined;
  }

  private hasOpenJobs(): boolean {
    const snap = this.tracker.snapshot();
    return snap.unsettled.length > 0;
  }

  /** After a reconnect: jobs we saw running that ended meanwhile get their one terminal event from history. */
  private async catchUp(): Promise<string[]> {
    const settled: string[] = [];
    try {
      const result = (await this.options.connection.call('server.history.list', { limit: 50, order: 'desc' }, this.options.callTimeoutMs ?? 3000)) as Record<string, unknown>;
      const jobs = Array.isArray(result?.jobs) ? result.jobs : [];
      for (const job of [...jobs].reverse()) {
        if (job && typeof job === 'object' && this.settleFromHistory(job as Record<string, unknown>)) settled.push(String((job as Record<string, unknown>).job_id));
      }
    } catch (err) {
      this.options.warn?.(`moonraker: history catch-up failed: ${(err as Error).message}`);
    }
    return settled;
  }

  /** True when this settled a job (it had no terminal event yet). */
  private settleFromHistory(job: Record<string, unknown>): boolean {
    const jobId = job.job_id;
    const mapped = historyOutcome(job.status);
    if (typeof jobId !== 'string' || !mapped) return false;
    const end = dateFromEpochSeconds(job.end_time);
    const duration = typeof job.total_duration === 'number' ? Math.round(job.total_duration) : undefined;
    const error = mapped.outcome === 'failed' ? { code: String(job.status), message: `Job ended: ${String(job.status)}`, severity: 'fatal' as const } : undefined;
    const events = this.tracker.settle(jobId, mapped.outcome, {
      elapsed_s: duration,
      filament_mm: filamentMm(job.filament_used),
      error,
      reason: mapped.reason,
      time: end && end.getTime() > 0 ? end : undefined,
      raw: this.options.includeRaw ? job : undefined,
    });
    this.send(events);
    return events.length > 0;
  }

  private withRaw<T extends { raw?: unknown }>(obs: T, diff?: PrinterObjects): T {
    if (this.options.includeRaw) obs.raw = diff ?? structuredClone(this.objects);
    return obs;
  }
}
