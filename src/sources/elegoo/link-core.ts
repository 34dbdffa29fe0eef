import { Backoff, type BackoffOptions } from '../backoff';
import { guarded } from '../guard';
import type { ElegooListener, LinkPhase } from './link';
import { busyMessage } from './problems';

/**
 * What both Elegoo links (SDCP websocket, CC2 MQTT) share: their listeners, their phase, the guarded way
 * they tell listeners, and when they try again (backoff, or slowly when the printer is full).
 */
export class LinkCore {
  readonly listeners = new Set<ElegooListener>();
  readonly backoff: Backoff;
  running = false;
  private current: LinkPhase = { phase: 'idle' };
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly report: ((message: string) => void) | undefined,
    backoff: BackoffOptions | undefined,
    /** Retry delay after "too many clients" (default 60 s): slow, so we never take a slot someone needs. */
    private readonly busyRetryMs = 60_000,
  ) {
    this.backoff = new Backoff(backoff);
  }

  get phase(): LinkPhase {
    return this.current;
  }

  /** Logs a fault; never throws. */
  readonly warn = (message: string): void => {
    try {
      this.report?.(message);
    } catch {
      // nothing left to tell
    }
  };

  /** Tells every listener; one that throws is reported and never reaches the socket's event loop. */
  tell(call: (listener: ElegooListener) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        call(listener);
      } catch (err) {
        this.warn(`elegoo: a listener failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
  }

  setPhase(phase: LinkPhase): void {
    const same = JSON.stringify(phase) === JSON.stringify(this.current);
    this.current = phase;
    if (!same) this.tell((l) => l.phase(phase));
  }

  /** True when this call started the link (it was not running). */
  begin(): boolean {
    if (this.running) return false;
    this.running = true;
    this.backoff.reset();
    return true;
  }

  end(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Shows `phase` and calls `open` again after `wait` (default: the next backoff delay). */
  retry(phase: LinkPhase, open: () => void, wait?: number): void {
    if (!this.running) return;
    this.setPhase(phase);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(guarded('reconnect', this.warn, () => {
      this.retryTimer = undefined;
      open();
    }), wait ?? this.backoff.next());
  }

  /** The printer refused us for its client limit: say so and try again slowly (±20 %). */
  retryBusy(open: () => void): void {
    const wait = Math.round(this.busyRetryMs * (1 + 0.2 * Math.random()));
    this.retry({ phase: 'busy', message: busyMessage(wait) }, open, wait);
  }
}
