/** What the watch asks of the connection after a check. */
export type SilenceVerdict = { action: 'none' } | { action: 'probe' } | { action: 'dead'; silentMs: number };

export interface SilenceOptions {
  /** Ask the printer for something after this long without a frame (Creality Print: 7 s). */
  probeAfterMs: number;
  /** Give the socket up after this long without a frame (Creality Print: 12 s). */
  deadAfterMs: number;
  /** Least time between two probes while the printer stays silent. */
  probeEveryMs: number;
}

/**
 * Liveness of the port-9999 socket the way Creality's own client judges it (docs/creality.md,
 * "Liveness"): the printer pushes status on its own, so a silent socket gets a `get` after
 * probeAfterMs and is taken for dead after deadAfterMs. Plain arithmetic; the connection owns the timer.
 */
export class SilenceWatch {
  private lastHeard = 0;
  private lastProbe = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SilenceOptions) {}

  heard(now: number): void {
    this.lastHeard = now;
    this.lastProbe = Number.NEGATIVE_INFINITY;
  }

  silentFor(now: number): number {
    return Math.max(0, now - this.lastHeard);
  }

  check(now: number): SilenceVerdict {
    const silent = this.silentFor(now);
    if (silent >= this.options.deadAfterMs) return { action: 'dead', silentMs: silent };
    if (silent >= this.options.probeAfterMs && now - this.lastProbe >= this.options.probeEveryMs) {
      this.lastProbe = now;
      return { action: 'probe' };
    }
    return { action: 'none' };
  }
}
