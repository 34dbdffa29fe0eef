import type { AttemptSigner } from '../sign/signer-registry';
import { AttemptPreparation, type RequestDefaults } from './attempt-preparation';
import { DeliveryLog, printerNameOf, RESPONSE_TEXT_LIMIT } from './delivery-log';
import type { EndpointHealth, HealthView } from './endpoint-health';
import { LatestWins, isExpired } from './latest-wins';
import { DamagedRecordError, Outbox, OutboxEntry } from './outbox';
import type { StoredRequest } from './outbox-record';
import { AttemptResult, describe, isOverload, verdictOf } from './outcome';
import { deliveryOutput } from './delivery-output';
import { scrubAttemptResult } from './scrub-result';
import { RetryPolicy, parseRetryAfter } from './retry-policy';
import { RateLimiter } from './rate-limiter';
import { SendOrder } from './send-order';
import { throttleWaitMs } from './throttle-wait';
import type { OutgoingRequest } from './http-transport';

/** Where and how attempts go: the endpoint as it is configured right now. */
export interface EndpointTarget extends RequestDefaults {
  send(req: OutgoingRequest): Promise<AttemptResult>;
  health: EndpointHealth;
  /** The endpoint's pacing, shared by every sender using it (docs/delivery.md, "Rate limits"). */
  limiter?: RateLimiter;
}

/** The endpoint's health as the sidebar and the admin route show it, with its rate limit. */
export interface QueueHealth extends HealthView {
  rateLimit?: ReturnType<RateLimiter['view']>;
}

/** A queued msg dropped without being sent: replaced by a newer one of its job, or older than its TTL. */
export interface DroppedInfo {
  webhookId: string;
  eventType?: string;
  why: 'superseded' | 'expired';
  /** How old it was, ms (expired). */
  ageMs: number;
}

export interface Delivery {
  webhook_id: string;
  attempts: number;
  status?: number;
  duration_ms: number;
  response?: string;
  error?: string;
  reason?: string;
}

export interface DeliveryQueueOptions {
  outbox: Outbox;
  policy: RetryPolicy;
  target: () => EndpointTarget | undefined;
  getSigner: (id: string) => AttemptSigner | undefined;
  concurrency?: number;
  ordered?: boolean;
  /** Wait before trying a record again whose signer is not registered yet (flows still starting). */
  signerWaitMs?: number;
  /** Report (once) a signer still missing after this long. */
  signerMissingReportMs?: number;
  /** Wait before trying again a record whose secret references name a template node not running yet. */
  secretWaitMs?: number;
  /** How long such an owner may stay missing before its records become dead letters (default 5 min). */
  secretGraceMs?: number;
  /** Dead letters kept for "retry dead letters"; older ones are dropped from the outbox. */
  maxDead?: number;
  log?: DeliveryLog;
  /** Gets a builder rather than the msg: building it costs a parse, skipped when output 1 is not wired. */
  onDelivered?: (build: () => Record<string, unknown>) => void;
  onDead?: (msg: Record<string, unknown>) => void;
  onChange?: () => void;
  /** A superseded or expired msg was completed without being sent (docs/delivery.md, "Priorities, coalescing, TTL"). */
  onDropped?: (info: DroppedInfo) => void;
  /** Time-to-live per event type, ms (event-lanes.ts parseTtl); terminal events and errors never expire. */
  ttlMs?: ReadonlyMap<string, number>;
  /** Least pause after a 429 that named a wait (default 100 ms). */
  minThrottleMs?: number;
  /** Wait before reading a record again that could not be read back from disk (default 5 s). */
  readRetryMs?: number;
  /** Receives internal errors (an unreadable record); the queue keeps going. */
  onError?: (err: Error) => void;
  now?: () => number;
}

/**
 * The sender's engine: durable enqueue into the outbox, then attempts with bounded concurrency
 * (or strictly one at a time in enqueue order), re-signed each time, retried by the policy, and
 * moved to the dead letters when permanent or exhausted. Before each attempt, in this order
 * (docs/delivery.md, "Order of decisions"): TTL, priority lane, rate limit, circuit breaker.
 * Progress and layer events coalesce per job (latest wins) when they are queued.
 */
export class DeliveryQueue {
  readonly log: DeliveryLog;
  private readonly order: SendOrder;
  /** The newest queued progress / layer entry per job (coalescing). */
  private readonly latest = new LatestWins<OutboxEntry>();
  private readonly sending = new Set<OutboxEntry>();
  /** Pacing of a target that has no limiter of its own (429 pauses still apply). */
  private readonly ownLimiter = new RateLimiter([]);
  private supersededCount = 0;
  private expiredCount = 0;
  private readonly concurrency: number;
  private readonly now: () => number;
  private inflight = 0;
  private readonly inflightDone = new Set<() => void>();
  private deadOrder: OutboxEntry[] = [];
  private deadCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  /** Set once the outbox is closed: results still arriving after the grace period are dropped. */
  private closed = false;
  private unsubscribe: (() => void) | undefined;
  private subscribedTo: EndpointHealth | undefined;
  private readonly preparation: AttemptPreparation;
  /** Entries whose record could not be read back, already reported. */
  private readonly unreadable = new Set<number>();

  constructor(private readonly options: DeliveryQueueOptions) {
    this.log = options.log ?? new DeliveryLog();
    this.now = options.now ?? Date.now;
    this.concurrency = options.ordered ? 1 : Math.max(1, options.concurrency ?? 4);
    this.preparation = new AttemptPreparation(options);
    this.order = new SendOrder(options.ordered === true, (entry) => this.isLive(entry));
    const live: OutboxEntry[] = [];
    for (const entry of options.outbox.entries()) {
      if (entry.dead) {
        this.deadOrder.push(entry);
        this.deadCount += 1;
      } else {
        live.push(entry);
      }
    }
    // the coalescing state is rebuilt from the records: a restart keeps "latest wins" (entries are in enqueue order)
    for (const entry of live) {
      if (this.isLive(entry)) this.coalesce(entry);
      if (this.isLive(entry)) this.order.push(entry);
    }
  }

  /** Msgs completed unsent because a newer one of their job replaced them, since the start. */
  get superseded(): number {
    return this.supersededCount;
  }

  /** Msgs dropped because they were older than their TTL, since the start. */
  get expired(): number {
    return this.expiredCount;
  }

  /** The endpoint's breaker / disable state and rate limit, as plain data; undefined when no endpoint is configured. */
  get health(): QueueHealth | undefined {
    const target = this.options.target();
    if (!target) return undefined;
    const view: QueueHealth = target.health.view();
    const limiter = target.limiter ?? this.ownLimiter;
    const rate = limiter.view(this.now());
    if (rate.rules.length || rate.pausedUntil) view.rateLimit = rate;
    return view;
  }

  /**
   * When the next attempt may start (ISO time), taking the msgs' own times, a 429 pause, the rate limit and
   * an open breaker into account; undefined when nothing is queued or the endpoint is disabled.
   */
  get nextAttemptAt(): string | undefined {
    const target = this.options.target();
    if (!target || target.health.disabled) return undefined;
    let at = Infinity;
    for (const entry of this.options.outbox.entries()) if (this.isLive(entry) && entry.nextAt < at) at = entry.nextAt;
    if (!Number.isFinite(at)) return undefined;
    const now = this.now();
    at = Math.max(at, now);
    at = (target.limiter ?? this.ownLimiter).nextAt(at);
    if (target.health.breaker !== 'closed' && target.health.nextProbeAt !== undefined) at = Math.max(at, target.health.nextProbeAt);
    return new Date(at).toISOString();
  }

  get queued(): number {
    return this.options.outbox.count - this.deadCount;
  }

  get dead(): number {
    return this.deadCount;
  }

  get inFlight(): number {
    return this.inflight;
  }

  /** Starts sending what the outbox holds. */
  start(): void {
    this.pump();
  }

  /** Accepts a request; resolves once it is durable on disk. */
  async enqueue(req: StoredRequest): Promise<void> {
    if (this.stopped) throw new Error('sender is closing');
    const { entry, durable } = this.options.outbox.append(req, this.now());
    await durable;
    if (this.stopped) return;
    // the newer msg is on disk before the one it replaces is completed
    this.coalesce(entry);
    this.order.push(entry);
    this.options.onChange?.();
    this.pump();
  }

  /** Puts every dead letter back in the queue with a fresh attempt budget. */
  retryDead(): number {
    const dead = this.deadOrder;
    this.deadOrder = [];
    let count = 0;
    for (const entry of dead) {
      if (!entry.dead || this.options.outbox.get(entry.seq) !== entry) continue;
      entry.dead = false;
      entry.reason = undefined;
      entry.attempts = 0;
      entry.nextAt = this.now();
      this.deadCount -= 1;
      void this.options.outbox.update(entry).catch((e) => this.options.onError?.(toError(e)));
      this.order.push(entry);
      count += 1;
    }
    this.options.onChange?.();
    this.pump();
    return count;
  }

  /**
   * "Retry now" (and what a changed endpoint does at deploy): every queued msg is due at once, and an open
   * breaker probes at once. The rate limit and a target's 429 pause still apply. Returns how many are queued.
   */
  retryNow(): number {
    const now = this.now();
    const live: OutboxEntry[] = [];
    for (const entry of this.options.outbox.entries()) {
      if (!this.isWaiting(entry)) continue;
      if (entry.nextAt > now) entry.nextAt = now;
      live.push(entry);
    }
    // not written to disk: after a restart a msg keeps its scheduled time, which is never later than the truth
    this.order.rebuild(live);
    this.options.target()?.health.probeNow();
    this.options.onChange?.();
    this.pump();
    return live.length;
  }

  /** Stops starting attempts, waits up to `graceMs` for those in flight, and closes the outbox. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.unsubscribe?.();
    if (this.inflight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.inflightDone.add(() => {
          if (this.inflight === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }
    this.closed = true;
    await this.options.outbox.close();
  }

  private watch(health: EndpointHealth): void {
    if (this.subscribedTo === health) return;
    this.unsubscribe?.();
    this.subscribedTo = health;
    this.unsubscribe = health.onChange((transition) => {
      // re-enabled, or the breaker closed again: what waited for a later retry is tried at once
      if (transition === 'enabled' || transition === 'closed') {
        this.retryNow();
        return;
      }
      this.options.onChange?.();
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped) return;
    const target = this.options.target();
    if (!target) return;
    this.watch(target.health);
    if (target.health.disabled) return;
    const limiter = target.limiter ?? this.ownLimiter;
    const now = this.now();
    while (this.inflight < this.concurrency) {
      // 1. policy has placed each msg in time (its next attempt); 2. its lane orders the due ones
      const due = this.order.due(now);
      if (!due) return;
      if ('at' in due) {
        this.armTimer(due.at);
        return;
      }
      const head = due.entry;
      // 3. freshness: a progress older than its TTL is dropped, never sent late
      if (isExpired(head, this.options.ttlMs, now)) {
        this.order.take(head);
        this.drop(head, 'expired', now);
        continue;
      }
      // 4. the endpoint's rate limit and a target's 429 pause
      const allowedAt = limiter.nextAt(now);
      if (allowedAt > now) {
        this.armTimer(allowedAt);
        return;
      }
      // 5. the circuit breaker: nothing while open, one probe when it is due
      const gate = target.health.gate(now);
      if (!gate.send) {
        if (gate.until !== undefined) this.armTimer(gate.until);
        return;
      }
      this.order.take(head);
      this.sending.add(head);
      this.inflight += 1;
      // 6. the attempt (it takes its rate-limit token just before the request goes out)
      void this.attempt(head, target, limiter, gate.probe)
        .catch((e) => this.options.onError?.(toError(e)))
        .finally(() => {
        this.sending.delete(head);
        this.inflight -= 1;
        for (const cb of [...this.inflightDone]) cb();
        this.pump();
      });
    }
  }

  /** Still queued (not completed, not dead); it may be in flight. */
  private isLive(entry: OutboxEntry): boolean {
    return !entry.dead && this.options.outbox.get(entry.seq) === entry;
  }

  /** Queued and not in flight: it may be replaced, and rescheduled. */
  private isWaiting(entry: OutboxEntry): boolean {
    return this.isLive(entry) && !this.sending.has(entry);
  }

  /**
   * Latest wins (latest-wins.ts): the msgs a newer one replaces are completed unsent; one being sent is left alone
   * (both go, in order).
   */
  private coalesce(entry: OutboxEntry): void {
    for (const older of this.latest.add(entry)) {
      if (this.isWaiting(older)) this.drop(older, 'superseded', this.now());
    }
  }

  /** Forgets a finished entry in the coalescing index. */
  private unindex(entry: OutboxEntry): void {
    this.latest.forget(entry);
  }

  /** Completes a msg that will not be sent (superseded or expired): not a dead letter, one log line. */
  private drop(entry: OutboxEntry, why: 'superseded' | 'expired', now: number): void {
    let webhookId = '';
    let printer: string | undefined;
    try {
      const req = this.options.outbox.read(entry);
      webhookId = req.webhookId;
      printer = printerNameOf(req.event);
    } catch {
      // its record cannot be read back: it is completed all the same
    }
    this.unindex(entry);
    if (why === 'superseded') this.supersededCount += 1;
    else this.expiredCount += 1;
    void this.options.outbox.complete(entry).catch((e) => this.options.onError?.(toError(e)));
    const ageMs = entry.createdAt === undefined ? 0 : Math.max(0, now - entry.createdAt);
    this.log.add({ time: new Date(now).toISOString(), webhookId, eventType: entry.eventType, printer, attempt: entry.attempts, durationMs: 0, verdict: why });
    this.options.onDropped?.({ webhookId, eventType: entry.eventType, why, ageMs });
    this.options.onChange?.();
  }

  private armTimer(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    const wait = Math.min(Math.max(0, at - this.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, wait);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private async attempt(entry: OutboxEntry, target: EndpointTarget, limiter: RateLimiter, probe: boolean): Promise<void> {
    let sent = false;
    try {
      sent = await this.attemptOnce(entry, target, limiter);
    } finally {
      if (probe && !sent) target.health.probeNotSent();
    }
  }

  /** One attempt; false when nothing was sent (unreadable record, waiting signer, dead at once). */
  private async attemptOnce(entry: OutboxEntry, target: EndpointTarget, limiter: RateLimiter): Promise<boolean> {
    let req: StoredRequest;
    try {
      req = this.options.outbox.read(entry);
    } catch (e) {
      if (e instanceof DamagedRecordError && this.discardDamaged(entry, e)) return false;
      // a disk error while reading it back: the record stays queued and is tried again (reported once)
      if (!this.unreadable.has(entry.seq)) this.options.onError?.(toError(e));
      this.unreadable.add(entry.seq);
      entry.nextAt = this.now() + (this.options.readRetryMs ?? 5000);
      this.order.push(entry);
      return false;
    }
    this.unreadable.delete(entry.seq);
    const now = this.now();
    const prepared = this.preparation.prepare(req, target, now);
    if (prepared.kind === 'dead') {
      this.finishDead(entry, req, prepared.reason, undefined);
      return false;
    }
    if (prepared.kind === 'wait') {
      entry.nextAt = prepared.retryAt;
      this.order.push(entry);
      return false;
    }
    limiter.take(now);
    const answer = await target.send(prepared.request);
    const result = scrubAttemptResult(answer, prepared.secretsSent);
    // results that arrive while stopping are still recorded (no needless resend after a restart); after the
    // close they are dropped, and a probe among them counts as not sent so the shared breaker does not stay half-open
    if (this.closed) return false;
    entry.attempts += 1;
    const verdict = verdictOf(result);
    const throttled = result.kind === 'response' && result.status === 429;
    this.log.add({
      time: new Date(now).toISOString(),
      webhookId: req.webhookId,
      eventType: req.eventType,
      printer: printerNameOf(req.event),
      attempt: entry.attempts,
      status: result.kind === 'response' ? result.status : undefined,
      durationMs: Math.round(result.durationMs),
      error: result.kind === 'response' ? undefined : result.error,
      verdict: throttled ? 'rate-limited' : verdict,
      response: result.kind === 'response' && result.body.length ? result.body.toString('utf8', 0, Math.min(result.body.length, RESPONSE_TEXT_LIMIT)) : undefined,
    });
    if (verdict === 'delivered') {
      target.health.success();
      this.unindex(entry);
      void this.options.outbox.complete(entry).catch((e) => this.options.onError?.(toError(e)));
      this.options.onDelivered?.(() => deliveryOutput(req, entry.attempts, result));
      this.options.onChange?.();
      return true;
    }
    if (throttled) {
      const waitMs = throttleWaitMs(result, this.now());
      if (waitMs !== undefined) {
        this.throttled(entry, target, limiter, waitMs);
        return true;
      }
      // a 429 that names no wait: the overload delay pauses the endpoint, and the attempt counts
      limiter.pause(this.now(), this.options.policy.options.overloadDelay * 1000, 'HTTP 429');
      target.health.neutral();
    } else {
      // a deliberate 4xx shows the endpoint is up: it does not count towards opening the breaker
      target.health.failure(describe(result), verdict !== 'permanent');
    }
    if (verdict === 'gone') {
      // the endpoint is gone: disable it and keep this msg queued for when it is re-enabled
      entry.attempts -= 1;
      entry.nextAt = this.now();
      this.order.push(entry);
      target.health.disable(`410 Gone from ${req.url || target.url}`);
      return true;
    }
    if (verdict === 'permanent') {
      this.finishDead(entry, req, `permanent failure: ${describe(result)}`, result);
      return true;
    }
    const retryAfter = result.kind === 'response' ? parseRetryAfter(result.headers['retry-after'], this.now()) : undefined;
    const delay = this.options.policy.nextDelayMs(entry.attempts, { overload: isOverload(result), retryAfterMs: retryAfter });
    if (delay === undefined) {
      this.finishDead(entry, req, `gave up after ${entry.attempts} attempts: ${describe(result)}`, result);
      return true;
    }
    entry.nextAt = this.now() + delay;
    entry.reason = describe(result);
    void this.options.outbox.update(entry).catch((e) => this.options.onError?.(toError(e)));
    this.order.push(entry);
    this.options.onChange?.();
    return true;
  }

  /**
   * A 429 that named its wait (Retry-After, Discord's retry_after, Telegram's parameters.retry_after): the
   * whole endpoint pauses that long, and the msg goes again right after, its attempt not counted (being
   * paced is not a failure). docs/delivery.md, "429".
   */
  private throttled(entry: OutboxEntry, target: EndpointTarget, limiter: RateLimiter, waitMs: number): void {
    const now = this.now();
    limiter.pause(now, Math.max(waitMs, this.options.minThrottleMs ?? 100), 'HTTP 429');
    target.health.neutral();
    entry.attempts -= 1;
    entry.nextAt = limiter.pausedUntil;
    entry.reason = `HTTP 429: paused ${Math.round((limiter.pausedUntil - now) / 100) / 10} s`;
    void this.options.outbox.update(entry).catch((e) => this.options.onError?.(toError(e)));
    this.order.push(entry);
    this.options.onChange?.();
  }

  /**
   * A record damaged on disk (not an I/O error) would never read, and in strict order would block the rest:
   * it is set aside and dropped. False when even that fails (a full disk): it is then retried like an I/O error.
   */
  private discardDamaged(entry: OutboxEntry, e: DamagedRecordError): boolean {
    try {
      const aside = this.options.outbox.discardDamaged(entry);
      this.options.onError?.(new Error(`${e.message}; its msg cannot be sent and its bytes were set aside in ${aside}`));
      this.options.onChange?.();
      return true;
    } catch {
      return false;
    }
  }

  private finishDead(entry: OutboxEntry, req: StoredRequest, reason: string, result: AttemptResult | undefined): void {
    this.unindex(entry);
    entry.dead = true;
    entry.reason = reason;
    this.deadCount += 1;
    this.deadOrder.push(entry);
    void this.options.outbox.update(entry).catch((e) => this.options.onError?.(toError(e)));
    const maxDead = this.options.maxDead ?? 1000;
    while (this.deadOrder.length > maxDead) {
      const oldest = this.deadOrder.shift()!;
      if (oldest.dead && this.options.outbox.get(oldest.seq) === oldest) {
        this.deadCount -= 1;
        void this.options.outbox.complete(oldest).catch((e) => this.options.onError?.(toError(e)));
      }
    }
    this.options.onDead?.(deliveryOutput(req, entry.attempts, result, reason));
    this.options.onChange?.();
  }
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
