import { buildEvent, eventId, type EventType, type PrinterEvent } from '../event';
import type { FilterConfig } from './config';
import { Cooldown } from './cooldown';
import { allRulesMatch } from './matchers';
import { ProgressMilestones } from './milestones';
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
 * The event filter (DESIGN §3): type selection, field rules, progress milestones, cooldown and
 * quiet hours, in that order. Generic over what it holds (the node holds whole msgs).
 */
export class EventFilter<T = PrinterEvent> {
  private readonly milestones: ProgressMilestones;
  private readonly cooldown: Cooldown;
  private readonly held = new Map<string, Held<T>>();

  constructor(
    private readonly config: FilterConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.milestones = new ProgressMilestones(config.progressStep);
    this.cooldown = new Cooldown(config.cooldownMs);
  }

  get heldCount(): number {
    return this.held.size;
  }

  decide(event: PrinterEvent, item: T): Decision {
    const { config } = this;
    if (config.events.length > 0 && !config.events.includes(event.type)) return { action: 'block', why: 'type' };
    if (!allRulesMatch(config.rules, event)) return { action: 'block', why: 'rules' };
    let passing = event;
    if (event.type === 'print.progress' && config.progressStep > 0) {
      const milestone = this.milestones.reached(event.printer?.id ?? '', event.job?.id ?? '', Number(event.job?.progress));
      if (milestone === undefined) return { action: 'block', why: 'progress' };
      passing = atMilestone(event, milestone);
    }
    const now = this.now();
    if (!URGENT.has(event.type) && !this.cooldown.admit(event.printer?.id ?? '', event.type, now.getTime())) {
      return { action: 'block', why: 'cooldown' };
    }
    const quiet = config.quiet;
    if (quiet && inQuietHours(now, quiet.start, quiet.end, quiet.timezone)) {
      if (quiet.mode === 'drop') return { action: 'block', why: 'quiet' };
      // Collapsed per printer + type: the latest one stands for the others.
      const key = JSON.stringify([passing.printer?.id ?? '', passing.type]);
      this.held.delete(key);
      this.held.set(key, { event: passing, item });
      return { action: 'hold' };
    }
    return { action: 'pass', event: passing };
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

/** The event as the milestone it reached: progress is the milestone, and the id follows it. */
function atMilestone(event: PrinterEvent, milestone: number): PrinterEvent {
  if (event.job?.progress === milestone) return event;
  const rebuilt = buildEvent({ ...event, job: { ...event.job, id: event.job?.id ?? '', progress: milestone } });
  return { ...rebuilt, time: event.time, id: eventId(event.printer.id, event.job?.id, 'print.progress', milestone) };
}
