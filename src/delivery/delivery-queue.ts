import type { AttemptSigner } from '../sign/signer-registry';
import { DeliveryLog } from './delivery-log';
import type { EndpointHealth } from './endpoint-health';
import { MinHeap } from './min-heap';
import { Outbox, OutboxEntry } from './outbox';
import type { StoredRequest } from './outbox-record';
import { AttemptResult, describe, isOverload, verdictOf } from './outcome';
import { msgFromRequest } from './request-from-msg';
import { permanentSecretProblem, resolveRequestSecrets } from './request-secrets';
import { isSecretOwnerRegistered, scrubSecrets } from '../secrets/secret-refs';
import { RetryPolicy, parseRetryAfter } from './retry-policy';
import type { OutgoingRequest } from './http-transport';
import { RESPONSE_BODY_LIMIT } from './http-transport';

/** Where and how attempts go: the endpoint as it is configured right now. */
export interface EndpointTarget {
  url: string;
  method: string;
  /** Auth headers from the endpoint's credentials: added per attempt, never stored. */
  authHeaders: Record<string, string>;
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
  /** When each missing signer was first needed, and whether that was reported. */
  private readonly missingSigners = new Map<string, { since: number; reported: boolean }>();
  /** When each missing owner of secret references was first needed. */
  private readonly missingSecretOwners = new Map<string, { since: number; reported: boolean }>();

  constructor(private readonly o: DeliveryQueueOptions) {
    this.log = o.log ?? new DeliveryLog();
    this.now = o.now ?? Date.now;
    this.concurrency = o.ordered ? 1 : Math.max(1, o.concurrency ?? 4);
    this.heap = o.ordered
      ? new MinHeap<OutboxEntry>((a, b) => a.seq < b.seq)
      : new MinHeap<OutboxEntry>((a, b) => a.nextAt < b.nextAt || (a.nextAt === b.nextAt && a.seq < b.seq));
    for (const entry of o.outbox.entries()) {
      if (entry.dead) {
        this.deadOrder.push(entry);
        this.deadCount += 1;
      } else {
        this.heap.push(entry);
      }
    }
  }

  get queued(): number {
    return this.o.outbox.count - this.deadCount;
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
    const { entry, durable } = this.o.outbox.append(req, this.now());
    await durable;
    if (this.stopped) return;
    this.heap.push(entry);
    this.o.onChange?.();
    this.pump();
  }

  /** Puts every dead letter back in the queue with a fresh attempt budget. */
  retryDead(): number {
    const dead = this.deadOrder;
    this.deadOrder = [];
    let count = 0;
    for (const entry of dead) {
      if (!entry.dead || this.o.outbox.get(entry.seq) !== entry) continue;
      entry.dead = false;
      entry.reason = undefined;
      entry.attempts = 0;
      entry.nextAt = this.now();
      this.deadCount -= 1;
      void this.o.outbox.update(entry).catch((e) => this.o.onError?.(toError(e)));
      this.heap.push(entry);
      count += 1;
    }
    this.o.onChange?.();
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
    await this.o.outbox.close();
  }

  private watch(health: EndpointHealth): void {
    if (this.subscribedTo === health) return;
    this.unsubscribe?.();
    this.subscribedTo = health;
    this.unsubscribe = health.onChange(() => {
      this.o.onChange?.();
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped) return;
    const target = this.o.target();
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
      if (head.dead || this.o.outbox.get(head.seq) !== head) continue;
      this.inflight += 1;
      void this.attempt(head, target)
        .catch((e) => this.o.onError?.(toError(e)))
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
      req = this.o.outbox.read(entry);
    } catch (e) {
      this.o.onError?.(toError(e));
      return;
    }
    const now = this.now();
    // secret references become secrets here, for this attempt only: the outbox keeps the references
    const resolved = resolveRequestSecrets(req);
    if (resolved.unresolved.length > 0) {
      const problem = permanentSecretProblem(resolved.unresolved);
      if (problem) {
        this.finishDead(entry, req, problem, undefined);
        return;
      }
      const owner = resolved.unresolved[0].owner;
      const seen = this.missingSecretOwners.get(owner) ?? { since: now, reported: false };
      this.missingSecretOwners.set(owner, seen);
      if (!seen.reported && now - seen.since >= (this.o.signerMissingReportMs ?? 30_000)) {
        seen.reported = true;
        this.o.onError?.(new Error(`template node ${owner} is not deployed: msgs with its secret references wait in the outbox (never sent without the secret) and become dead letters after the grace period`));
      }
      if (now - seen.since >= (this.o.secretGraceMs ?? 300_000)) {
        this.finishDead(entry, req, `secret reference: template node ${owner} that holds the ${resolved.unresolved[0].name} is not deployed`, undefined);
        return;
      }
      // the template node may not be started yet (restart, redeploy): wait, never send the reference
      entry.nextAt = now + (this.o.secretWaitMs ?? 1000);
      this.heap.push(entry);
      return;
    }
    if (this.missingSecretOwners.size > 0) {
      for (const owner of [...this.missingSecretOwners.keys()]) if (isSecretOwnerRegistered(owner)) this.missingSecretOwners.delete(owner);
    }
    let signed: Record<string, string> = {};
    if (req.signer) {
      const signer = this.o.getSigner(req.signer);
      if (!signer) {
        // the signer node may not be started yet (restart, redeploy): wait, do not send unsigned
        entry.nextAt = now + (this.o.signerWaitMs ?? 1000);
        this.heap.push(entry);
        this.reportMissingSigner(req.signer, now);
        return;
      }
      this.missingSigners.delete(req.signer);
      try {
        signed = signer.sign({ id: req.webhookId, body: resolved.body, timestamp: Math.floor(now / 1000) });
      } catch (e) {
        this.finishDead(entry, req, `signing failed: ${toError(e).message}`, undefined);
        return;
      }
    }
    const headers: Record<string, string> = { ...resolved.headers, ...target.authHeaders };
    if (!('webhook-id' in headers) && !Object.keys(signed).some((h) => h.toLowerCase() === 'webhook-id')) {
      headers['webhook-id'] = req.webhookId;
    }
    Object.assign(headers, signed);
    const sent = await target.send({ method: req.method || target.method, url: resolved.url || target.url, headers, body: resolved.body });
    const result = resolved.written.length > 0 ? scrubResult(sent, resolved.written) : sent;
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
      void this.o.outbox.complete(entry).catch((e) => this.o.onError?.(toError(e)));
      this.o.onDelivered?.(() => this.output(req, entry, result));
      this.o.onChange?.();
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
    const delay = this.o.policy.nextDelayMs(entry.attempts, { overload: isOverload(result), retryAfterMs: retryAfter });
    if (delay === undefined) {
      this.finishDead(entry, req, `gave up after ${entry.attempts} attempts: ${describe(result)}`, result);
      return;
    }
    entry.nextAt = this.now() + delay;
    entry.reason = describe(result);
    void this.o.outbox.update(entry).catch((e) => this.o.onError?.(toError(e)));
    this.heap.push(entry);
    this.o.onChange?.();
  }

  private reportMissingSigner(id: string, now: number): void {
    const seen = this.missingSigners.get(id);
    if (!seen) {
      this.missingSigners.set(id, { since: now, reported: false });
    } else if (!seen.reported && now - seen.since >= (this.o.signerMissingReportMs ?? 30_000)) {
      seen.reported = true;
      this.o.onError?.(new Error(`signer node ${id} is not deployed: msgs signed by it wait in the outbox until it is (they are never sent unsigned)`));
    }
  }

  private finishDead(entry: OutboxEntry, req: StoredRequest, reason: string, result: AttemptResult | undefined): void {
    entry.dead = true;
    entry.reason = reason;
    this.deadCount += 1;
    this.deadOrder.push(entry);
    void this.o.outbox.update(entry).catch((e) => this.o.onError?.(toError(e)));
    const maxDead = this.o.maxDead ?? 1000;
    while (this.deadOrder.length > maxDead) {
      const oldest = this.deadOrder.shift()!;
      if (oldest.dead && this.o.outbox.get(oldest.seq) === oldest) {
        this.deadCount -= 1;
        void this.o.outbox.complete(oldest).catch((e) => this.o.onError?.(toError(e)));
      }
    }
    this.o.onDead?.(this.output(req, entry, result, reason));
    this.o.onChange?.();
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

/** The attempt's result with the secrets just sent blanked out of the response text and the error. */
function scrubResult(result: AttemptResult, secrets: readonly string[]): AttemptResult {
  if (result.kind !== 'response') return { ...result, error: scrubSecrets(result.error, secrets) };
  const text = result.body.toString('utf8');
  const clean = scrubSecrets(text, secrets);
  return clean === text ? result : { ...result, body: Buffer.from(clean, 'utf8') };
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
