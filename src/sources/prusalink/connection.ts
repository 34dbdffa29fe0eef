import type { JobStateStore } from '../../state/job-state-store';
import { Backoff, type BackoffOptions } from '../backoff';
import { describeError, guarded, OnceLog } from '../guard';
import { PrusaLinkClient, type PrusaLinkAuth } from './client';
import { mergeDetails, parseJob, parseStatus, parseVersion, type JobDetails, type PrinterView, type VersionInfo } from './merge';
import { networkProblem, type ProblemKind } from './problems';
import { parsePrusaLinkUrl, type PrusaLinkBase } from './url';

export type LinkPhase =
  | { phase: 'idle' }
  | { phase: 'connecting' }
  | { phase: 'ready' }
  | { phase: 'failed'; problem: ProblemKind; message: string; short: string };

/** What a source node's monitor hears from the shared poller. */
export interface PrusaLinkListener {
  phase(phase: LinkPhase): void;
  /** The first poll after a (re)connect or after the listener joined; the monitor decides whether it is a baseline. */
  baseline(view: PrinterView): void;
  /** A later poll. */
  report(view: PrinterView): void;
  /** The printer stopped answering (the monitor reports offline, debounced). */
  down(): void;
}

export interface ConnectionOptions {
  url: string;
  auth: PrusaLinkAuth;
  /** Time between polls (default 5 s). */
  pollMs?: number;
  /** Time between polls while a change is expected: near a job's end, right after a state change (default 1 s). */
  fastPollMs?: number;
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** The printer's persisted job state, used by every monitor that follows this poller. */
  jobState?: JobStateStore;
  warn?: (message: string) => void;
}

/** The Raspberry Pi PrusaLink shows FINISHED/STOPPED for about 11 s only; while a job runs we poll at least this often. */
export const PI_ACTIVE_MAX_MS = 8000;
/** Polls kept fast after a state change (Aborting and Finishing read PRINTING until the end state). */
const FAST_POLLS_AFTER_CHANGE = 3;

/**
 * The poller of one printer, shared by every source node that uses it (docs/prusalink.md, "Polling"): one
 * request at a time, GET /api/version once per (re)connect, GET /api/v1/status each interval, GET /api/v1/job
 * only when the job id changes; backoff while the printer is away, the slow lane after a rejected credential.
 */
export class PrusaLinkConnection {
  readonly base: PrusaLinkBase;
  readonly client: PrusaLinkClient;
  readonly jobState: JobStateStore | undefined;
  private readonly listeners = new Set<PrusaLinkListener>();
  private readonly backoff: Backoff;
  private readonly pollMs: number;
  private readonly fastPollMs: number;
  private readonly warn: (message: string) => void;
  private running = false;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private up = false;
  private current: LinkPhase = { phase: 'idle' };
  private lastView: PrinterView | undefined;
  private details: JobDetails | undefined;
  private fastLeft = 0;
  private lastWarned: string | undefined;
  private readonly faults: OnceLog;
  /** What GET /api/version said on the last connect. */
  identity: VersionInfo | undefined;

  constructor(private readonly options: ConnectionOptions) {
    this.base = parsePrusaLinkUrl(options.url);
    this.client = new PrusaLinkClient({ base: this.base, auth: options.auth, timeoutMs: options.requestTimeoutMs });
    this.backoff = new Backoff({ baseMs: 2000, maxMs: 60_000, ...options.backoff });
    this.pollMs = Math.max(10, options.pollMs ?? 5000);
    this.fastPollMs = Math.max(10, Math.min(this.pollMs, options.fastPollMs ?? 1000));
    this.warn = options.warn ?? (() => undefined);
    this.faults = new OnceLog(this.warn);
    this.jobState = options.jobState;
  }

  get phase(): LinkPhase {
    return this.current;
  }

  /** The view of the last poll, while the link is up. */
  get view(): PrinterView | undefined {
    return this.up ? this.lastView : undefined;
  }

  addListener(listener: PrusaLinkListener): void {
    this.listeners.add(listener);
    listener.phase(this.current);
    if (this.up && this.lastView) listener.baseline(this.lastView);
  }

  removeListener(listener: PrusaLinkListener): void {
    this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setPhase({ phase: 'connecting' });
    this.schedule(0);
  }

  /** Stops polling; an answer still on its way is dropped. */
  async stop(): Promise<void> {
    this.running = false;
    this.generation += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.client.dispose();
    this.listeners.clear();
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    const generation = this.generation;
    this.timer = setTimeout(
      guarded(`PrusaLink ${this.base.url.host} poll`, this.warn, () => {
        this.timer = undefined;
        if (generation === this.generation) return this.poll(generation);
      }),
      delayMs,
    );
  }

  private async poll(generation: number): Promise<void> {
    let view: PrinterView;
    try {
      if (!this.up) this.identity = parseVersion(await this.client.json('/api/version', 'version check'));
      view = parseStatus((await this.client.json('/api/v1/status', 'status poll')) ?? {});
      if (view.job && this.details?.id !== view.job.id) {
        this.details = parseJob(await this.client.json('/api/v1/job', 'job details')) ?? { id: view.job.id };
      }
    } catch (error) {
      if (generation !== this.generation) return;
      return this.failed(error, generation);
    }
    if (generation !== this.generation) return;
    view = mergeDetails(view, this.details);
    const wasUp = this.up;
    const previous = this.lastView;
    this.up = true;
    this.lastView = view;
    this.backoff.reset();
    if (!wasUp) {
      if (this.current.phase === 'failed') this.warn(`PrusaLink ${this.base.url.host}: connection restored (was: ${this.current.message})`);
      this.lastWarned = undefined;
      this.setPhase({ phase: 'ready' });
    }
    for (const listener of [...this.listeners]) this.guard(() => (wasUp ? listener.report(view) : listener.baseline(view)));
    if (wasUp && (previous?.state !== view.state || previous?.job?.id !== view.job?.id)) this.fastLeft = FAST_POLLS_AFTER_CHANGE;
    this.schedule(this.nextDelay(view));
  }

  /** Fast while a change is expected; on the Pi never slower than PI_ACTIVE_MAX_MS while a job runs. */
  private nextDelay(view: PrinterView): number {
    const job = view.job;
    const nearEnd = job !== undefined && ((job.progress ?? 0) >= 99 || (job.remaining_s !== undefined && job.remaining_s * 1000 <= 2 * this.pollMs));
    if (this.fastLeft > 0 || nearEnd) {
      this.fastLeft = Math.max(0, this.fastLeft - 1);
      return this.fastPollMs;
    }
    if (job && this.identity?.flavour === 'pi') return Math.min(this.pollMs, PI_ACTIVE_MAX_MS);
    return this.pollMs;
  }

  private failed(error: unknown, generation: number): void {
    const problem = networkProblem(error, 'poll');
    const wasUp = this.up;
    this.up = false;
    if (wasUp) for (const listener of [...this.listeners]) this.guard(() => listener.down());
    this.setPhase({ phase: 'failed', problem: problem.kind, message: problem.message, short: problem.short });
    this.warnOnce(`PrusaLink ${this.base.url.host}: ${problem.message}`);
    if (generation !== this.generation) return;
    // A rejected credential will not fix itself: the slow lane, not a request every few seconds.
    this.schedule(problem.kind === 'auth' ? this.backoff.slow() : this.backoff.next());
  }

  private setPhase(next: LinkPhase): void {
    const last = this.current;
    if (last.phase === next.phase && (next.phase !== 'failed' || (last.phase === 'failed' && last.short === next.short))) return;
    this.current = next;
    for (const listener of [...this.listeners]) this.guard(() => listener.phase(next));
  }

  /** A listener's failure must never stop the poller or reach the event loop. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.faults.warn(`listener:${describeError(error)}`, `PrusaLink ${this.base.url.host}: a source failed on a poll: ${describeError(error)}`);
    }
  }

  /** One warning per distinct problem, not one per retry. */
  private warnOnce(message: string): void {
    if (this.lastWarned === message) return;
    this.lastWarned = message;
    this.warn(message);
  }
}
