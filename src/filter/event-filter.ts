import { compact, eventId, isTerminalType, type EventType, type PrinterEvent } from '../event';
import type { FilterConfig } from './config';
import { admitCooldown } from './cooldown';
import { allRulesMatch } from './matchers';
import { milestoneOf } from './milestones';
import { PrinterMarks, type PrinterEntry } from './printer-marks';
import { inQuietHours, msUntilQuietEnd } from './quiet-hours';

export type Decision =
  | { action: 'pass'; event: PrinterEvent }
  | { action: 'block'; why: 'type' | 'rules' | 'progress' | 'cooldown' | 'quiet' }
  | { action: 'hold' };

/** Never thinned by the cooldown: the events a person must not miss. */
const URGENT: ReadonlySet<EventType> = new Set<EventType>(['print.done', 'print.failed', 'print.cancelled', 'printer.error']);

interface Held<T> {
  event: PrinterEvent;
  item: T;
}

/**
 * The event filter (docs/filter.md): type selection, field rules, progress milestones, cooldown and
 * quiet hours, in that order. Generic over what it holds (the node holds whole msgs). Milestones
 * and cooldowns live in `marks`, one entry per printer (docs/filter.md).
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

  decide(event: PrinterEvent, item: T): Decision {
    const { config } = this;
    const printerId = textId(event.printer?.id);
    // Jobs are followed on every event, also those this filter blocks, so a job's end is never missed.
    const jobId = textId(event.job?.id);
    let entry: PrinterEntry | undefined; // touched at most once per event (it moves the printer to the recent end)
    if (config.progressStep > 0 && jobId !== '' && event.type.startsWith('print.')) {
      entry = this.marks.touch(printerId);
      this.marks.followJob(entry, jobId, event.type === 'print.started', isTerminalType(event.type));
    }
    if (config.events.length > 0 && !config.events.includes(event.type)) return { action: 'block', why: 'type' };
    if (!allRulesMatch(config.rules, event)) return { action: 'block', why: 'rules' };
    let passing = event;
    if (event.type === 'print.progress' && config.progressStep > 0) {
      entry ??= this.marks.touch(printerId);
      const milestone = this.newMilestone(entry, Number(event.job?.progress));
      if (milestone === undefined) return { action: 'block', why: 'progress' };
      passing = atMilestone(event, milestone);
    }
    const now = this.now();
    if (config.cooldownMs > 0 && !URGENT.has(event.type)) {
      entry ??= this.marks.touch(printerId);
      entry.cooldown ??= new Map();
      if (!admitCooldown(entry.cooldown, event.type, now.getTime(), config.cooldownMs)) return { action: 'block', why: 'cooldown' };
      this.marks.changed();
    }
    const quiet = config.quiet;
    if (quiet && inQuietHours(now, quiet.start, quiet.end, quiet.timezone)) {
      if (quiet.mode === 'drop') return { action: 'block', why: 'quiet' };
      // Collapsed per printer + type: the latest one stands for the others.
      const key = JSON.stringify([printerId, passing.type]);
      this.held.delete(key);
      this.held.set(key, { event: passing, item });
      return { action: 'hold' };
    }
    return { action: 'pass', event: passing };
  }

  /** The milestone this progress reaches for the first time in the printer's current job, recorded; or undefined. */
  private newMilestone(entry: PrinterEntry, progress: number): number | undefined {
    const milestone = milestoneOf(progress, this.config.progressStep);
    if (milestone === undefined) return undefined;
    if (entry.ended || milestone <= entry.milestone) return undefined;
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
