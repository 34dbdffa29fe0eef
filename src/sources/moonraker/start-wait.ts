import type { PrinterObjects } from './merge';
import { isFilamentSensor, TIMELAPSE_MACRO } from './objects';

/** Objects whose changes can move a job (state, file, progress, pause, runout): they keep their order. */
const JOB_OBJECTS: ReadonlySet<string> = new Set(['print_stats', 'virtual_sdcard', 'display_status', 'webhooks', 'pause_resume', 'idle_timeout', TIMELAPSE_MACRO]);

/** True when a status diff touches an object that can move the job; temperatures alone do not. */
export function touchesJob(diff: PrinterObjects): boolean {
  return Object.keys(diff).some((name) => JOB_OBJECTS.has(name) || isFilamentSensor(name));
}

/** True when a status diff may itself be a job edge: print_stats state or file, or Klippy's own state. */
export function isJobEdge(diff: PrinterObjects): boolean {
  const ps = diff.print_stats;
  const hooks = diff.webhooks;
  return (ps !== undefined && ('state' in ps || 'filename' in ps)) || (hooks !== undefined && 'state' in hooks);
}

export interface StartDeadlineOptions {
  /** Longest wait after the edge when nothing else arrives (the monitor's historyWaitMs, default 1500). */
  budgetMs: number;
  /** Once a frame queues up behind the start, wait at most this much longer (default 150 ms). */
  graceMs?: number;
  /** With this many frames behind the start, stop waiting at once (default 50). */
  maxBacklog?: number;
}

/**
 * The one deadline a Moonraker job start waits against for its history id (docs/robustness.md,
 * "Moonraker start edges"). Moonraker sends notify_history_changed "added" right after the print_stats
 * edge; when it does not come, the start must not hold up the frames behind it: the wait ends
 * `budgetMs` after the edge, `graceMs` after the first frame queues up behind it, and at once when a
 * frame behind it is itself a job edge or the backlog reaches `maxBacklog`.
 */
export class StartDeadline {
  /** Resolves when the deadline passes (never rejects). */
  readonly expired: Promise<void>;
  /** Resolves when the first frame queues up behind the start, even after the deadline (never rejects). */
  private readonly firstQueued: Promise<void>;
  private expire!: () => void;
  private markQueued!: () => void;
  private timer: NodeJS.Timeout | undefined;
  private dueAt: number;
  private backlog = 0;
  private over = false;

  constructor(private readonly options: StartDeadlineOptions) {
    this.expired = new Promise<void>((resolve) => (this.expire = resolve));
    this.firstQueued = new Promise<void>((resolve) => (this.markQueued = resolve));
    this.dueAt = Date.now() + Math.max(0, options.budgetMs);
    this.arm();
  }

  /** True once the deadline has passed. */
  get passed(): boolean {
    return this.over;
  }

  /** True when frames wait behind the start: there is no time left for a further question. */
  get cutShort(): boolean {
    return this.backlog > 0;
  }

  /** A frame was queued behind the waiting start; `edge` when it may itself be a job edge. */
  queued(edge: boolean): void {
    this.backlog += 1;
    this.markQueued();
    if (this.over) return;
    if (edge || this.backlog >= (this.options.maxBacklog ?? 50)) return this.end();
    const sooner = Date.now() + (this.options.graceMs ?? 150);
    if (sooner < this.dueAt) {
      this.dueAt = sooner;
      this.arm();
    }
  }

  /** The promise's value, or undefined once the deadline passes first. A later rejection is absorbed. */
  race<T>(promise: Promise<T>): Promise<T | undefined> {
    return raceWith(promise, this.expired);
  }

  /** The promise's value, or undefined once a frame queues up behind the start. A later rejection is absorbed. */
  untilQueued<T>(promise: Promise<T>): Promise<T | undefined> {
    return raceWith(promise, this.firstQueued);
  }

  /** The start is done: no timer is left behind. */
  finish(): void {
    this.end();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.end(), Math.max(0, this.dueAt - Date.now()));
    this.timer.unref?.();
  }

  private end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.over) return;
    this.over = true;
    this.expire();
  }
}

function raceWith<T>(promise: Promise<T>, cut: Promise<void>): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    promise.then(resolve, reject);
    void cut.then(() => resolve(undefined));
  });
}
