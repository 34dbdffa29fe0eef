import { BoundedMap } from './bounded-map';

/** At most one event per printer + type within the cooldown. */
export class Cooldown {
  private readonly lastPassed = new BoundedMap<string, number>(1000);

  constructor(private readonly windowMs: number) {}

  /** True when this event may pass now (and records it); false while cooling down. */
  admit(printerId: string, type: string, nowMs: number): boolean {
    if (this.windowMs <= 0) return true;
    const key = JSON.stringify([printerId, type]);
    const last = this.lastPassed.get(key);
    if (last !== undefined && nowMs - last < this.windowMs) return false;
    this.lastPassed.set(key, nowMs);
    return true;
  }
}
