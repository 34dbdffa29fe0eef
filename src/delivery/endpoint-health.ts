/**
 * Shared state of one endpoint (docs/delivery.md, "Endpoint health"): a circuit breaker and the
 * automatic disable, plus counters for the status line.
 *
 * - closed: attempts go as scheduled. After `breakerFailures` consecutive failures it opens.
 * - open: nothing is sent until `nextProbeAt`; then one attempt (the probe) goes (half-open).
 *   A failed probe opens it again with a doubled interval (up to `probeMaxMs`); any success closes it.
 * - disabled: by a 410 Gone, or after only failures for `disableAfterMs` (Svix: 5 days). Nothing is sent
 *   until it is re-enabled (editor button, msg.enable, a changed endpoint redeployed).
 */
export type HealthState = 'closed' | 'open' | 'half-open' | 'disabled';

/** What changed, for the sender's health output. */
export type HealthTransition = 'opened' | 'closed' | 'disabled' | 'enabled' | 'failing' | 'probe-failed';

export interface EndpointHealthOptions {
  /** Consecutive failures that open the breaker; 0 (the default here) = never. The endpoint node passes its field (default 5). */
  breakerFailures?: number;
  /** First wait before a probe, ms (default 30 s), doubled after each failed probe up to `probeMaxMs` (default 30 min). */
  probeMs?: number;
  probeMaxMs?: number;
  /** Only failures for this long disable the endpoint; 0 (the default here) = never. The endpoint node passes its field (default 120 h). */
  disableAfterMs?: number;
  now?: () => number;
}

/** Plain data for the sidebar, the admin routes and the health output. */
export interface HealthView {
  state: HealthState;
  consecutiveFailures: number;
  delivered: number;
  failed: number;
  failingSince?: string;
  nextProbeAt?: string;
  disabledSince?: string;
  reason?: string;
}

/** What outlasts a restart (endpoint-health-store.ts): times in ms. */
export interface HealthSnapshot {
  failingSince?: number;
  disabledSince?: number;
  reason?: string;
}

/** The breaker / disable state one PostgreSQL row holds for every instance (times in ms on this instance's clock). */
export interface SharedHealthState {
  consecutiveFailures: number;
  failingSince?: number;
  /** Set while the breaker is open: no attempt before it; the instance that gets past it sends the probe. */
  openUntil?: number;
  disabledSince?: number;
  reason?: string;
}

/** The answer of `gate`: send now (`probe` when this attempt decides the breaker), wait, or hold. */
export type HealthGate = { send: true; probe: boolean } | { send: false; until?: number };

export class EndpointHealth {
  disabled = false;
  disabledReason: string | undefined;
  disabledSince: number | undefined;
  consecutiveFailures = 0;
  delivered = 0;
  failed = 0;
  /** Start of the current run of only failures. */
  failingSince: number | undefined;
  breaker: 'closed' | 'open' | 'half-open' = 'closed';
  nextProbeAt: number | undefined;
  private probeInterval: number;
  /** Failures in a row that say the endpoint is down or overloaded (5xx, timeouts, network): what opens the breaker. */
  private downStreak = 0;
  private readonly listeners = new Set<(transition?: HealthTransition) => void>();
  private readonly now: () => number;
  readonly breakerFailures: number;
  readonly disableAfterMs: number;
  readonly probeMs: number;
  readonly probeMaxMs: number;

  constructor(options: EndpointHealthOptions = {}) {
    this.now = options.now ?? Date.now;
    this.breakerFailures = options.breakerFailures ?? 0;
    this.disableAfterMs = options.disableAfterMs ?? 0;
    this.probeMs = Math.max(1, options.probeMs ?? 30_000);
    this.probeMaxMs = Math.max(this.probeMs, options.probeMaxMs ?? 30 * 60_000);
    this.probeInterval = this.probeMs;
  }

  get state(): HealthState {
    return this.disabled ? 'disabled' : this.breaker;
  }

  get failing(): boolean {
    return this.consecutiveFailures > 0;
  }

  onChange(listener: (transition?: HealthTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What to keep across a restart. */
  snapshot(): HealthSnapshot {
    const snapshot: HealthSnapshot = {};
    if (this.failingSince !== undefined) snapshot.failingSince = this.failingSince;
    if (this.disabled) {
      snapshot.disabledSince = this.disabledSince;
      snapshot.reason = this.disabledReason;
    }
    return snapshot;
  }

  /** Takes back what a restart kept: still failing since then, still disabled (no transition is sent). */
  restore(snapshot: HealthSnapshot): void {
    if (snapshot.failingSince !== undefined) {
      this.failingSince = snapshot.failingSince;
      this.consecutiveFailures = Math.max(this.consecutiveFailures, 1);
    }
    if (snapshot.disabledSince !== undefined) {
      this.disabled = true;
      this.disabledSince = snapshot.disabledSince;
      this.disabledReason = snapshot.reason ?? 'disabled';
    }
  }

  /** Whether an attempt may start now. An open breaker lets one probe through when it is due. */
  gate(now = this.now()): HealthGate {
    if (this.disabled) return { send: false };
    if (this.breaker === 'closed') return { send: true, probe: false };
    if (this.breaker === 'half-open') return { send: false };
    if (this.nextProbeAt !== undefined && now < this.nextProbeAt) return { send: false, until: this.nextProbeAt };
    this.breaker = 'half-open';
    return { send: true, probe: true };
  }

  /** A probe that was let through but never sent (its msg expired, waits for its signer …): probe again at once. */
  probeNotSent(): void {
    if (this.breaker !== 'half-open') return;
    this.breaker = 'open';
    this.nextProbeAt = this.now();
    this.emit();
  }

  success(): void {
    this.delivered += 1;
    const wasFailing = this.consecutiveFailures > 0;
    const wasOpen = this.breaker !== 'closed';
    this.consecutiveFailures = 0;
    this.downStreak = 0;
    this.failingSince = undefined;
    this.breaker = 'closed';
    this.nextProbeAt = undefined;
    this.probeInterval = this.probeMs;
    if (wasOpen) this.emit('closed');
    else if (wasFailing) this.emit();
  }

  /**
   * A failed attempt; `reason` names it for the disable message. `down` false: the endpoint answered on purpose
   * (a 4xx): it counts for the status and the failing window, but it shows the endpoint is up, so the breaker's
   * count starts again (a probe that gets one closes the breaker).
   */
  failure(reason = 'failing', down = true): void {
    const now = this.now();
    this.failed += 1;
    this.consecutiveFailures += 1;
    this.failingSince ??= now;
    this.downStreak = down ? this.downStreak + 1 : 0;
    if (this.disabled) return;
    if (this.disableAfterMs > 0 && now - this.failingSince >= this.disableAfterMs) {
      this.disable(`only failures for ${formatSpan(now - this.failingSince)} (last: ${reason})`);
      return;
    }
    if (!down) {
      if (this.breaker !== 'closed') {
        this.breaker = 'closed';
        this.nextProbeAt = undefined;
        this.probeInterval = this.probeMs;
        this.emit('closed');
      } else if (this.consecutiveFailures === 1) this.emit('failing');
      return;
    }
    if (this.breaker === 'half-open') {
      this.probeInterval = Math.min(this.probeInterval * 2, this.probeMaxMs);
      this.breaker = 'open';
      this.nextProbeAt = now + this.probeInterval;
      this.emit('probe-failed');
      return;
    }
    if (this.breaker === 'closed' && this.breakerFailures > 0 && this.downStreak >= this.breakerFailures) {
      this.breaker = 'open';
      this.probeInterval = this.probeMs;
      this.nextProbeAt = now + this.probeInterval;
      this.emit('opened');
      return;
    }
    if (this.consecutiveFailures === 1) this.emit('failing');
  }

  /** An answer that says nothing about health (a 429 while probing): probe again after the same interval. */
  neutral(): void {
    if (this.breaker !== 'half-open') return;
    this.breaker = 'open';
    this.nextProbeAt = this.now() + this.probeInterval;
    this.emit();
  }

  disable(reason: string): void {
    if (this.disabled) return;
    this.disabled = true;
    this.disabledReason = reason;
    this.disabledSince = this.now();
    this.emit('disabled');
  }

  /**
   * Takes the breaker and disable state kept in the shared database (the PostgreSQL store, docs/scale.md,
   * src/delivery/postgres/shared-health.ts); `transition` is sent only by the instance that caused it.
   */
  adopt(shared: SharedHealthState, transition?: HealthTransition): void {
    this.consecutiveFailures = shared.consecutiveFailures;
    this.failingSince = shared.failingSince;
    this.breaker = shared.openUntil !== undefined ? 'open' : 'closed';
    this.nextProbeAt = shared.openUntil;
    this.disabled = shared.disabledSince !== undefined;
    this.disabledSince = shared.disabledSince;
    this.disabledReason = this.disabled ? shared.reason ?? 'disabled' : undefined;
    this.emit(transition);
  }

  /** Re-enables (button, msg.enable) and closes the breaker: the queue is tried again at once. */
  enable(): void {
    const wasDisabled = this.disabled;
    const wasOpen = this.breaker !== 'closed';
    if (!wasDisabled && !wasOpen) return;
    this.disabled = false;
    this.disabledReason = undefined;
    this.disabledSince = undefined;
    this.consecutiveFailures = 0;
    this.downStreak = 0;
    this.failingSince = undefined;
    this.breaker = 'closed';
    this.nextProbeAt = undefined;
    this.probeInterval = this.probeMs;
    this.emit(wasDisabled ? 'enabled' : 'closed');
  }

  /** Lets an open breaker probe at once ("retry now"); a disabled endpoint stays disabled. */
  probeNow(): void {
    if (this.breaker !== 'open') return;
    this.nextProbeAt = this.now();
    this.emit();
  }

  view(): HealthView {
    const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
    const view: HealthView = { state: this.state, consecutiveFailures: this.consecutiveFailures, delivered: this.delivered, failed: this.failed };
    if (this.failingSince !== undefined) view.failingSince = iso(this.failingSince);
    if (this.breaker !== 'closed' && !this.disabled && this.nextProbeAt !== undefined) view.nextProbeAt = iso(this.nextProbeAt);
    if (this.disabled) {
      view.disabledSince = iso(this.disabledSince);
      view.reason = this.disabledReason;
    }
    return view;
  }

  private emit(transition?: HealthTransition): void {
    for (const listener of [...this.listeners]) listener(transition);
  }
}

function formatSpan(ms: number): string {
  const hours = ms / 3600_000;
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  if (hours >= 1) return `${Math.round(hours)} h`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}
