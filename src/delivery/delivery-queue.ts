import type { AttemptSigner } from '../sign/signer-registry';
import { AttemptPreparation, type RequestDefaults } from './attempt-preparation';
import { DeliveryLog } from './delivery-log';
import type { EndpointHealth } from './endpoint-health';
import { MinHeap } from './min-heap';
import { DamagedRecordError, Outbox, OutboxEntry } from './outbox';
import type { StoredRequest } from './outbox-record';
import { AttemptResult, describe, isOverload, verdictOf } from './outcome';
import { msgFromRequest } from './request-from-msg';
import { scrubAttemptResult } from './scrub-result';
import { RetryPolicy, parseRetryAfter } from './retry-policy';
import type { OutgoingRequest } from './http-transport';
import { RESPONSE_BODY_LIMIT } from './http-transport';

/** Where and how attempts go: the endpoint as it is configured right now. */
export interface EndpointTarget extends RequestDefaults {
  send(req: OutgoingRequest): Promise<AttemptResult>;
  health: EndpointHealth;
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
  /** Wait before reading a record again that could not be read back from disk (default 5 s). */
  readRetryMs?: number;
  /** Receives internal errors (an unreadable record); the queue keeps going. */
  onError?: (err: Error) => void;
  now?: () => number;
}

/**
 * The sender's engine: durable enqueue into the outbox, then attempts with bounded concurrency
 * (or strictly one at a time in enqueue order), re-signed each time, retried by the policy, and
 * moved to the dead letters when permanent or exhausted.
 */
export class DeliveryQueue {
  readonly log: DeliveryLog;
  private readonly heap: MinHeap<OutboxEntry>;
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
    this.heap = options.ordered
      ? new MinHeap<OutboxEntry>((a, b) => a.seq < b.seq)
      : new MinHeap<OutboxEntry>((a, b) => a.nextAt < b.nextAt || (a.nextAt === b.nextAt && a.seq < b.seq));
    for (const entry of options.outbox.entries()) {
      if (entry.dead) {
        this.deadOrder.push(entry);
        this.deadCount += 1;
      } else {
        this.heap.push(entry);
      }
    }
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
    this.heap.push(entry);
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
      this.heap.push(entry);
      count += 1;
    }
    this.options.onChange?.();
    this.pump();
    return count;
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
    this.unsubscribe = health.onChange(() => {
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
    const now = this.now();
    while (this.inflight < this.concurrency) {
      const head = this.heap.peek();
      if (!head) return;
      if (head.nextAt > now) {
        this.armTimer(head.nextAt);
        return;
      }
      this.heap.pop();
      if (head.dead || this.options.outbox.get(head.seq) !== head) continue;
      this.inflight += 1;
      void this.attempt(head, target)
        .catch((e) => this.options.onError?.(toError(e)))
        .finally(() => {
        this.inflight -= 1;
        for (const cb of [...this.inflightDone]) cb();
        this.pump();
      });
    }
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

  private async attempt(entry: OutboxEntry, target: EndpointTarget): Promise<void> {
    let req: StoredRequest;
    try {
      req = this.options.outbox.read(entry);
    } catch (e) {
      if (e instanceof DamagedRecordError && this.discardDamaged(entry, e)) return;
      // a disk error while reading it back: the record stays queued and is tried again (reported once)
      if (!this.unreadable.has(entry.seq)) this.options.onError?.(toError(e));
      this.unreadable.add(entry.seq);
      entry.nextAt = this.now() + (this.options.readRetryMs ?? 5000);
      this.heap.push(entry);
      return;
    }
    this.unreadable.delete(entry.seq);
    const now = this.now();
    const prepared = this.preparation.prepare(req, target, now);
    if (prepared.kind === 'dead') {
      this.finishDead(entry, req, prepared.reason, undefined);
      return;
    }
    if (prepared.kind === 'wait') {
      entry.nextAt = prepared.retryAt;
      this.heap.push(entry);
      return;
    }
    const sent = await target.send(prepared.request);
    const result = scrubAttemptResult(sent, prepared.secretsSent);
    // results that arrive while stopping are still recorded (no needless resend after a restart)
    if (this.closed) return;
    entry.attempts += 1;
    const verdict = verdictOf(result);
    this.log.add({
      time: new Date(now).toISOString(),
      webhookId: req.webhookId,
      eventType: req.eventType,
      attempt: entry.attempts,
      status: result.kind === 'response' ? result.status : undefined,
      durationMs: Math.round(result.durationMs),
      error: result.kind === 'response' ? undefined : result.error,
      verdict,
      response: result.kind === 'response' && result.body.length ? result.body.toString('utf8', 0, Math.min(result.body.length, 1024)) : undefined,
    });
    if (verdict === 'delivered') {
      target.health.success();
      void this.options.outbox.complete(entry).catch((e) => this.options.onError?.(toError(e)));
      this.options.onDelivered?.(() => this.output(req, entry, result));
      this.options.onChange?.();
      return;
    }
    target.health.failure();
    if (verdict === 'gone') {
      // the endpoint is gone: disable it and keep this msg queued for when it is re-enabled
      entry.attempts -= 1;
      entry.nextAt = this.now();
      this.heap.push(entry);
      target.health.disable(`410 Gone from ${req.url || target.url}`);
      return;
    }
    if (verdict === 'permanent') {
      this.finishDead(entry, req, `permanent failure: ${describe(result)}`, result);
      return;
    }
    const retryAfter = result.kind === 'response' ? parseRetryAfter(result.headers['retry-after'], this.now()) : undefined;
    const delay = this.options.policy.nextDelayMs(entry.attempts, { overload: isOverload(result), retryAfterMs: retryAfter });
    if (delay === undefined) {
      this.finishDead(entry, req, `gave up after ${entry.attempts} attempts: ${describe(result)}`, result);
      return;
    }
    entry.nextAt = this.now() + delay;
    entry.reason = describe(result);
    void this.options.outbox.update(entry).catch((e) => this.options.onError?.(toError(e)));
    this.heap.push(entry);
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
    this.options.onDead?.(this.output(req, entry, result, reason));
    this.options.onChange?.();
  }

  private output(req: StoredRequest, entry: OutboxEntry, result: AttemptResult | undefined, reason?: string): Record<string, unknown> {
    const msg = msgFromRequest(req);
    msg.webhook = req.signer ? { id: req.webhookId, signer: req.signer } : { id: req.webhookId };
    const delivery: Delivery = { webhook_id: req.webhookId, attempts: entry.attempts, duration_ms: 0 };
    if (result) {
      delivery.duration_ms = Math.round(result.durationMs);
      if (result.kind === 'response') {
        delivery.status = result.status;
        delivery.response = result.body.toString('utf8', 0, Math.min(result.body.length, RESPONSE_BODY_LIMIT));
      } else {
        delivery.error = result.error;
      }
    }
    if (reason) delivery.reason = reason;
    msg.delivery = delivery;
    return msg;
  }
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
