import { isTerminalType, type MaintenanceInfo, type PrinterEvent } from '../event';
import type { Counter, MaintenanceRule } from './rules';

/** What the odometer file holds (docs/maintenance.md). */
export interface OdometerState {
  print_s: number;
  jobs: number;
  filament_m: number;
  /** The job being timed; `since` (epoch ms) while it prints, absent while paused. */
  job?: { id: string; counted_s: number; since?: number };
  /** The jobs whose terminal event was counted, newest last (a few): a job ends once, also across a restart. */
  ended?: string[];
  /** Per rule (by its key): the counter value at the last service, and whether it was announced. */
  rules: Record<string, { baseline: number; due: boolean }>;
}

export function emptyOdometer(): OdometerState {
  return { print_s: 0, jobs: 0, filament_m: 0, rules: {} };
}

export interface Observation {
  /** Rules crossed by this event: one printer.maintenance_due each. */
  due: MaintenanceInfo[];
  /** True when the state changed and should be saved. */
  changed: boolean;
}

/** A platform's own elapsed time above this is not believed (a month). */
const MAX_ELAPSED_S = 31 * 24 * 3600;
const RECENT_IDS = 64;
const ENDED_JOBS = 16;
/** More filament than one job can use (100 km): not believed. */
const MAX_JOB_FILAMENT_M = 100_000;

/** Metres of filament a terminal event says its job used (`job.filament_mm`), or undefined (docs/maintenance.md). */
export function filamentMetres(event: PrinterEvent): number | undefined {
  const mm = isTerminalType(event.type) ? event.job?.filament_mm : undefined;
  return typeof mm === 'number' && Number.isFinite(mm) && mm > 0 ? mm / 1000 : undefined;
}

/**
 * A printer's odometer: print hours timed from the lifecycle (started/resumed → paused/terminal),
 * finished jobs (print.done only), filament metres when reported; and the rules on them, each
 * announced once per crossing until reset. The time Node-RED was down is not counted, except that a
 * terminal event whose job reports a longer elapsed time raises the job's hours to it.
 */
export class Odometer {
  private readonly state: OdometerState;
  private readonly recent: string[] = [];

  constructor(private rules: readonly MaintenanceRule[], saved: OdometerState | undefined, now: number) {
    this.state = saved ? structuredClone(saved) : emptyOdometer();
    // a job timed before a restart resumes from now: the time Node-RED was down is not counted
    if (this.state.job?.since !== undefined) this.state.job.since = now;
    this.syncRules();
  }

  setRules(rules: readonly MaintenanceRule[]): void {
    this.rules = rules;
    this.syncRules();
  }

  value(counter: Counter): number {
    if (counter === 'print_hours') return Math.round((this.state.print_s / 3600) * 100) / 100;
    if (counter === 'jobs') return this.state.jobs;
    return Math.round(this.state.filament_m * 100) / 100;
  }

  snapshot(): OdometerState {
    return structuredClone(this.state);
  }

  /** Feeds one event the printer's source emitted; the same event id twice (two source nodes) counts once. */
  observe(event: PrinterEvent, now: number, filamentM?: number): Observation {
    if (this.recent.includes(event.id)) return { due: [], changed: false };
    this.recent.push(event.id);
    if (this.recent.length > RECENT_IDS) this.recent.shift();
    const changed = this.count(event, now, filamentM);
    const due = changed ? this.crossings() : [];
    return { due, changed: changed || due.length > 0 };
  }

  /** Clears the rules whose task is `task` (case-insensitive), or every rule for `*`; gives the tasks reset. */
  reset(task: string): string[] {
    const wanted = task.trim().toLowerCase();
    const hit = this.rules.filter((r) => wanted === '*' || r.task.toLowerCase() === wanted);
    for (const rule of hit) this.state.rules[rule.key] = { baseline: this.value(rule.counter), due: false };
    return hit.map((r) => r.task);
  }

  tasks(): string[] {
    return this.rules.map((r) => r.task);
  }

  private count(event: PrinterEvent, now: number, filamentM?: number): boolean {
    const job = this.state.job;
    const jobId = event.job?.id;
    let changed = false;
    // this job's end was counted already: a terminal event seen again (after a restart) counts nothing
    if (isTerminalType(event.type) && jobId !== undefined && this.state.ended?.includes(jobId)) return false;
    if (event.type === 'print.started' || ((event.type === 'print.resumed' || event.type === 'print.progress' || event.type === 'print.layer') && !job && jobId)) {
      if (job && job.id !== jobId) this.tick(now);
      this.state.job = { id: jobId ?? event.id, counted_s: 0, since: now };
      return true;
    }
    if (!job) {
      if (!isTerminalType(event.type)) return false;
    } else {
      changed = this.tick(now) || changed;
      if (event.type === 'print.paused') {
        delete job.since;
        changed = true;
      } else if (event.type === 'print.resumed' && job.since === undefined) {
        job.since = now;
        changed = true;
      }
    }
    if (!isTerminalType(event.type)) return changed;
    const elapsed = event.job?.elapsed_s;
    const counted = this.state.job?.counted_s ?? 0;
    if (typeof elapsed === 'number' && Number.isFinite(elapsed) && elapsed > counted && elapsed <= MAX_ELAPSED_S) this.state.print_s += elapsed - counted;
    if (event.type === 'print.done') this.state.jobs += 1;
    if (typeof filamentM === 'number' && Number.isFinite(filamentM) && filamentM > 0 && filamentM < MAX_JOB_FILAMENT_M) this.state.filament_m += filamentM;
    delete this.state.job;
    if (jobId !== undefined) this.state.ended = [...(this.state.ended ?? []), jobId].slice(-ENDED_JOBS);
    return true;
  }

  /** Adds the printing time since the last tick. */
  private tick(now: number): boolean {
    const job = this.state.job;
    if (!job || job.since === undefined) return false;
    const seconds = Math.max(0, (now - job.since) / 1000);
    job.since = now;
    job.counted_s += seconds;
    this.state.print_s += seconds;
    return seconds > 0;
  }

  private crossings(): MaintenanceInfo[] {
    const due: MaintenanceInfo[] = [];
    for (const rule of this.rules) {
      const mark = this.state.rules[rule.key];
      const value = this.value(rule.counter);
      if (mark.due || value - mark.baseline < rule.every) continue;
      mark.due = true;
      due.push({ task: rule.task, counter: rule.counter, every: rule.every, value });
    }
    return due;
  }

  /** A rule seen for the first time starts counting from now; rules no longer written are forgotten. */
  private syncRules(): void {
    const marks: OdometerState['rules'] = {};
    for (const rule of this.rules) marks[rule.key] = this.state.rules[rule.key] ?? { baseline: this.value(rule.counter), due: false };
    this.state.rules = marks;
  }
}
