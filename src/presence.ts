import { buildEvent, type PrinterEvent, type PrinterRef } from './event';

export interface PresenceOptions {
  printer: PrinterRef;
  /** How long the connection must stay down before printer.offline fires (default 30 s). */
  offlineDelayMs?: number;
  emit: (event: PrinterEvent) => void;
  now?: () => Date;
}

/**
 * printer.online / printer.offline with a debounced offline: a blip shorter than the delay
 * produces nothing, a real outage produces one offline and, when it ends, one online.
 */
export class PresenceTracker {
  private announced: 'online' | 'offline' | undefined;
  private up = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly delay: number;
  private readonly now: () => Date;

  constructor(private readonly options: PresenceOptions) {
    this.delay = Math.max(0, options.offlineDelayMs ?? 30_000);
    this.now = options.now ?? (() => new Date());
  }

  get isUp(): boolean {
    return this.up;
  }

  online(): void {
    this.up = true;
    this.cancelTimer();
    if (this.announced === 'online') return;
    this.announce('online', this.now());
  }

  offline(): void {
    if (!this.up) return;
    this.up = false;
    if (this.announced !== 'online' || this.timer) return;
    const wentDown = this.now();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.up) this.announce('offline', wentDown);
    }, this.delay);
    this.timer.unref?.();
  }

  dispose(): void {
    this.cancelTimer();
  }

  private announce(state: 'online' | 'offline', time: Date): void {
    this.announced = state;
    this.options.emit(
      buildEvent({ type: `printer.${state}`, printer: this.options.printer, time, discriminator: time.getTime() }),
    );
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
