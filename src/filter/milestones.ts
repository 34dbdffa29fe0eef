import { BoundedMap } from './bounded-map';

/**
 * Progress milestones per printer + job: with step 25, progress passes 25, 50 and 75 once each;
 * a jump from 10 to 80 passes 75 once; a new job starts over. 0 and 100 are never milestones.
 */
export class ProgressMilestones {
  private readonly last = new BoundedMap<string, number>(1000);

  constructor(private readonly step: number) {}

  /** The milestone this progress reaches for the first time, or undefined. */
  reached(printerId: string, jobId: string, progress: number): number | undefined {
    if (!(this.step > 0) || !Number.isFinite(progress)) return undefined;
    const milestone = Math.floor(progress / this.step) * this.step;
    if (milestone <= 0 || milestone >= 100) return undefined;
    const key = JSON.stringify([printerId, jobId]);
    if (milestone <= (this.last.get(key) ?? 0)) return undefined;
    this.last.set(key, milestone);
    return milestone;
  }
}
