import { compact, eventId, isTerminalType, type EventType, type PrinterEvent } from '../event';
import type { FilterConfig } from './config';
import { admitCooldown } from './cooldown';
import { allRulesMatch } from './matchers';
import { milestoneOf } from './milestones';
import { PrinterMarks, type PrinterEntry } from './printer-marks';
import { inQuietHours, msUntilQuietEnd } from './quiet-hours';

export type Decision =
  /** `thinned`: a progress or layer event that passed a milestone, time step or remaining-below check. */
  | { action: 'pass'; event: PrinterEvent; thinned: boolean }
  | { action: 'block'; why: 'type' | 'rules' | 'progress' | 'cooldown' | 'quiet' }
  | { action: 'hold' };

/** Never thinned by the cooldown: the events a person must not miss. */
const URGENT: ReadonlySet<EventType> = new Set<EventType>(['print.done', 'print.failed', 'print.cancelled', 'printer.error']);

export interface Held<T> {
  event: PrinterEvent;
  item: T;
  thinned: boolean;
}

/**
 * The event filter (docs/filter.md): type selection, field rules, progress thinning (milestones, time
 * step, remaining below), cooldown and quiet hours, in that order. Generic over what it holds (the node
 * holds whole msgs). Milestones, time marks and cooldowns live in `marks`, one entry per printer.
 */
export class EventFilter<T = PrinterEvent> {
  private readonly held = new Map<string, Held<T>>();

  constructor(
    private readonly config: FilterConfig,
    private readonly now: () => Date = () => new Date(),
    readonly marks: PrinterMarks = new PrinterMarks(),
  ) {}

  get heldCount(): number {
    return this.held.size;
  }

  /** Whether progress is thinned at all (a milestone step, a time step or remaining-below is set). */
  private get thinsProgress(): boolean {
    const c = this.config;
    return c.progressStep > 0 || c.progressEveryMs > 0 || c.remainingBelowS > 0;
  }

  decide(event: PrinterEvent, item: T): Decision {
    const { config } = this;
    const now = this.now();
    const nowMs = now.getTime();
    const printerId = textId(event.printer?.id);
    // Jobs are followed on every event, also those this filter blocks, so a job's end is never missed.
    const jobId = textId(event.job?.id);
    let entry: PrinterEntry | undefined; // touched at most once per event (it moves the printer to the recent end)
    if (this.thinsProgress && jobId !== '' && event.type.startsWith('print.')) {
      entry = this.marks.touch(printerId);
      this.marks.followJob(entry, jobId, event.type === 'print.started', isTerminalType(event.type));
      if (config.progressEveryMs > 0 && entry.progressAt === undefined) this.startTiming(entry, nowMs);
    }
    if (config.events.length > 0 && !config.events.includes(event.type)) return { action: 'block', why: 'type' };
    if (!allRulesMatch(config.rules, event)) return { action: 'block', why: 'rules' };
    let passing = event;
    let thinned = false;
    if (event.type === 'print.progress' && this.thinsProgress) {
      entry ??= this.marks.touch(printerId);
      const admitted = this.admitProgress(entry, event, nowMs);
      if (admitted === undefined) return { action: 'block', why: 'progress' };
      passing = admitted;
      thinned = true;
    } else if (event.type === 'print.layer' && config.progressEveryMs > 0) {
      entry ??= this.marks.touch(printerId);
      if (!this.admitLayer(entry, nowMs)) return { action: 'block', why: 'progress' };
      thinned = true;
    }
    if (config.cooldownMs > 0 && !URGENT.has(event.type)) {
      entry ??= this.marks.touch(printerId);
      entry.cooldown ??= new Map();
      if (!admitCooldown(entry.cooldown, event.type, nowMs, config.cooldownMs)) return { action: 'block', why: 'cooldown' };
      this.marks.changed();
    }
    const quiet = config.quiet;
    if (quiet && inQuietHours(now, quiet.start, quiet.end, quiet.timezone)) {
      if (quiet.mode === 'drop') return { action: 'block', why: 'quiet' };
      // Collapsed per printer + type: the latest one stands for the others.
      const key = JSON.stringify([printerId, passing.type]);
      this.held.delete(key);
      this.held.set(key, { event: passing, item, thinned });
      return { action: 'hold' };
    }
    return { action: 'pass', event: passing, thinned };
  }

  private startTiming(entry: PrinterEntry, nowMs: number): void {
    entry.progressAt = nowMs;
    entry.layerAt = nowMs;
    this.marks.changed();
  }

  /**
   * A progress event passes when it reaches a new milestone, when the time step has gone by since the
   * last progress that passed, or when the time remaining first drops to the threshold (docs/filter.md).
   */
  private admitProgress(entry: PrinterEntry, event: PrinterEvent, nowMs: number): PrinterEvent | undefined {
    if (entry.ended) return undefined;
    const { progressStep, progressEveryMs, remainingBelowS } = this.config;
    let passing: PrinterEvent | undefined;
    if (progressStep > 0) {
      const milestone = this.newMilestone(entry, Number(event.job?.progress));
      if (milestone !== undefined) passing = atMilestone(event, milestone);
    }
    if (remainingBelowS > 0 && !entry.remainingSent) {
      const remaining = event.job?.remaining_s;
      if (typeof remaining === 'number' && remaining > 0 && remaining <= remainingBelowS) {
        entry.remainingSent = true;
        this.marks.changed();
        passing ??= { ...event, reason: 'remaining_below' };
      }
    }
    if (progressEveryMs > 0) {
      if (entry.progressAt === undefined) this.startTiming(entry, nowMs);
      else if (!passing && elapsed(entry.progressAt, nowMs) >= progressEveryMs) passing = event;
      // any progress that passes starts the time step over, so a milestone is not followed at once by a timed one
      if (passing) {
        entry.progressAt = nowMs;
        this.marks.changed();
      }
    }
    return passing;
  }

  private admitLayer(entry: PrinterEntry, nowMs: number): boolean {
    if (entry.ended) return false;
    if (entry.layerAt === undefined) {
      this.startTiming(entry, nowMs);
      return false;
    }
    if (elapsed(entry.layerAt, nowMs) < this.config.progressEveryMs) return false;
    entry.layerAt = nowMs;
    this.marks.changed();
    return true;
  }

  /** The milestone this progress reaches for the first time in the printer's current job, recorded; or undefined. */
  private newMilestone(entry: PrinterEntry, progress: number): number | undefined {
    const milestone = milestoneOf(progress, this.config.progressStep);
    if (milestone === undefined) return undefined;
    if (milestone <= entry.milestone) return undefined;
    entry.milestone = milestone;
    this.marks.changed();
    return milestone;
  }

/** Milliseconds until held events may go, or undefined when nothing is held. */
  msUntilRelease(): number | undefined {
    const quiet = this.config.quiet;
    if (!quiet || this.held.size === 0) return undefined;
    const now = this.now();
    return inQuietHours(now, quiet.start, quiet.end, quiet.timezone) ? msUntilQuietEnd(now, quiet.end, quiet.timezone) : 0;
  }

  /** Held events, oldest first, once the window has ended (empty while still quiet). */
  releaseDue(): Array<Held<T>> {
    if (this.msUntilRelease() !== 0) return [];
    const out = [...this.held.values()];
    this.held.clear();
    return out;
  }
}

/** Time since a mark; a clock set back counts as the whole step gone by rather than a stall. */
function elapsed(since: number, nowMs: number): number {
  return nowMs >= since ? nowMs - since : Infinity;
}

/** Ids as the map key; a hostile non-text id still gets one stable key and never throws. */
function textId(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The event as the milestone it reached: progress is the milestone, and the id follows it. */
function atMilestone(event: PrinterEvent, milestone: number): PrinterEvent {
  if (event.job?.progress === milestone) return event;
  const job = compact({ ...event.job, id: event.job?.id ?? '', progress: milestone });
  return { ...event, job, id: eventId(event.printer.id, event.job?.id, 'print.progress', milestone) };
}
