import type { JobInfo } from './event';

/** The default for printer.bed_cooled: a bed below this is safe to clear (°C). */
export const DEFAULT_BED_COOLED_C = 35;

/**
 * Reads a config node's `bedCooled` field: °C below which printer.bed_cooled fires after a job;
 * empty = the default, 0 = off. Throws a message that names the field.
 */
export function parseBedCooled(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_BED_COOLED_C;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 150) {
    throw new Error(`bedCooled "${String(value)}" must be a temperature in °C from 0 (off) to 150`);
  }
  return n;
}

/**
 * The printer.bed_cooled decision (docs/lifecycle.md, "Bed cooled"): after a job ends, the first bed
 * reading below the threshold is reported once; a job that starts before the bed cooled drops the wait.
 */
export class BedCooledWatch {
  /** The ended job whose bed we are waiting to see cool down. */
  private coolingJob: JobInfo | undefined;

  /** @param below °C; 0 switches the watch off. */
  constructor(private readonly below: number = DEFAULT_BED_COOLED_C) {}

  /** A job had its terminal event: wait for its bed (unless the watch is off). */
  jobEnded(info: JobInfo): void {
    if (this.below > 0) this.coolingJob = { ...info };
  }

  /** One bed reading; returns the ended job once its bed is below the threshold, otherwise undefined. */
  reading(bedTemp: number | undefined, jobActive: boolean): JobInfo | undefined {
    const job = this.coolingJob;
    if (!job || bedTemp === undefined || !Number.isFinite(bedTemp)) return undefined;
    if (jobActive) {
      this.coolingJob = undefined; // a new job started before the bed cooled
      return undefined;
    }
    if (bedTemp >= this.below) return undefined;
    this.coolingJob = undefined;
    return job;
  }
}
