import type { AttemptSigner } from '../../sign/signer-registry';
import { AttemptPreparation } from '../attempt-preparation';
import type { DroppedInfo, EndpointTarget, QueueHealth } from '../delivery-queue';
import type { HealthTransition, SharedHealthState } from '../endpoint-health';
import { DeliveryLog } from '../delivery-log';
import { LANE_PROGRESS, laneOf } from '../event-lanes';
import { isExpired } from '../latest-wins';
import type { StoredRequest } from '../outbox-record';
import { type AttemptResult, describe, isOverload, verdictOf } from '../outcome';
import { deliveryOutput } from '../delivery-output';
import { RetryPolicy, parseRetryAfter } from '../retry-policy';
import { scrubAttemptResult } from '../scrub-result';
import { throttleWaitMs } from '../throttle-wait';
import { jobDataOf, jobIdOf, requestOf } from './job-data';
import type { Boss, BossJob } from './pg-boss-loader';
import { reschedule } from './reschedule';
import { supersedeOlder } from './shared-coalescing';
import { type HealthOutcome, SharedHealth } from './shared-health';
import { SharedRateLimit, endpointKeyOf } from './shared-rate-limit';

export interface PostgresDeliveryQueueOptions {
  boss: Boss;
  schema: string;
  queues: { main: string; dead: string };
  policy: RetryPolicy;
  target: () => EndpointTarget | undefined;
  getSigner: (id: string) => AttemptSigner | undefined;
  concurrency?: number;
  signerWaitMs?: number;
  secretWaitMs?: number;
  secretGraceMs?: number;
  /** A job active longer than this is taken to be on a dead instance and tried again (default 60 s). */
  expireSeconds?: number;
  /** Delayed and other instances' jobs are looked for this often when idle (default 500 ms). */
  pollMs?: number;
  /** How long an idempotency key (a delivered webhook id) is remembered, days (default 7). */
  keepDays?: number;
  onDelivered?: (build: () => Record<string, unknown>) => void;
  onDead?: (msg: Record<string, unknown>) => void;
  onChange?: () => void;
  /** A database operation failed (undefined: the last one worked again). */
  onDatabase?: (err: Error | undefined) => void;
  onError?: (err: Error) => void;
  /** Least pause after a 429 that named a wait (default 100 ms). */
  minThrottleMs?: number;
  /** Time-to-live per event type, ms (event-lanes.ts parseTtl); terminal events and errors never expire. */
  ttlMs?: ReadonlyMap<string, number>;
  /** A superseded or expired msg was completed without being sent. */
  onDropped?: (info: DroppedInfo) => void;
  now?: () => number;
}

/**
 * The sender's engine on a shared PostgreSQL queue (docs/scale.md): every instance enqueues into the same
 * pg-boss queue and any instance takes jobs from it (SELECT … FOR UPDATE SKIP LOCKED), with the outbox's
 * semantics: at-least-once, the webhook id as the job id (one job per msg however often it is enqueued),
 * re-signed per attempt, the sender's retry schedule, dead letters kept in a second queue for replay.
 */
export class PostgresDeliveryQueue {
  readonly log = new DeliveryLog();
  private readonly preparation: AttemptPreparation;
  private readonly concurrency: number;
  private readonly now: () => number;
  private inflight = 0;
  private fetching = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private countTimer: NodeJS.Timeout | undefined;
  private readonly inflightDone = new Set<() => void>();
  private queuedCount = 0;
  private readonly pending: { req: StoredRequest; job: Record<string, unknown>; resolve: () => void; reject: (err: Error) => void }[] = [];
  private supersededCount = 0;
  private expiredCount = 0;
  private inserting = false;
  private readonly taken: BossJob[] = [];
  private readonly completions: { id: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  private deadCount = 0;
  private unsubscribe: (() => void) | undefined;
  private subscribedTo: EndpointTarget['health'] | undefined;
  private limit: SharedRateLimit | undefined;
  private shared: SharedHealth | undefined;
  /** True while the shared state is copied into the endpoint's health (its events are not ours to forward). */
  private adopting = false;
  /** The earliest start of a queued job, from the last count (ms on this instance's clock). */
  private earliestAt: number | undefined;
  /** The shared rate limit or a 429 pause said no attempt before this: nothing is fetched until then. */
  private holdUntil = 0;

  constructor(private readonly options: PostgresDeliveryQueueOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.now = options.now ?? Date.now;
    this.preparation = new AttemptPreparation(options);
  }

  /** Creates the two queues (once per database; a second instance finds them made). */
  async init(): Promise<void> {
    const { boss, queues } = this.options;
    const retentionMinutes = (this.options.keepDays ?? 7) * 24 * 60;
    // retryLimit counts expiries only (reschedule.ts): a job whose instance died 10 times in a row is given up
    await boss.createQueue(queues.dead, { policy: 'standard', retentionMinutes });
    await boss.createQueue(queues.main, { policy: 'standard', retryLimit: 10, retryDelay: 0, retentionMinutes, expireInSeconds: this.expireSeconds, deadLetter: queues.dead });
    await this.refreshCounts();
  }

  get queued(): number {
    return this.queuedCount + this.taken.length + this.inflight;
  }

  get dead(): number {
    return this.deadCount;
  }

  get inFlight(): number {
    return this.inflight;
  }

  /** The endpoint's breaker / disable state (shared by every instance) and its shared rate limit, as plain data. */
  get health(): QueueHealth | undefined {
    const target = this.options.target();
    if (!target) return undefined;
    const view: QueueHealth = target.health.view();
    const rate = this.sharedLimit(target).view(this.now());
    if (rate.rules.length || rate.pausedUntil) view.rateLimit = rate;
    return view;
  }

  /**
   * When the next attempt may start (ISO time): the earliest queued job (as of the last count, every 2 s),
   * a pause or rate-limit wait seen here, an open breaker; undefined when nothing is queued or it is disabled.
   */
  get nextAttemptAt(): string | undefined {
    const target = this.options.target();
    if (!target || target.health.disabled || this.queued === 0) return undefined;
    const now = this.now();
    let at = Math.max(now, this.earliestAt ?? now, this.holdUntil, this.limit?.pausedUntil ?? 0);
    if (target.health.breaker !== 'closed' && target.health.nextProbeAt !== undefined) at = Math.max(at, target.health.nextProbeAt);
    return new Date(at).toISOString();
  }

  /**
   * "Retry now" (the editor, msg.retryNow): every waiting job of this sender is due at once and an open
   * breaker probes at once, for every instance. The rate limit and a 429 pause still apply. Returns how many are queued.
   */
  retryNow(): number {
    const { boss, schema, queues } = this.options;
    this.holdUntil = 0;
    boss.getDb().executeSql(`UPDATE ${schema}.job SET start_after = now() WHERE name = $1 AND state IN ('created', 'retry') AND start_after > now()`, [queues.main]).then(
      () => {
        this.earliestAt = undefined;
        this.pump();
      },
      (e) => this.database(toError(e)),
    );
    void this.tell('probe-now');
    this.options.onChange?.();
    this.pump();
    return this.queued;
  }

  private get expireSeconds(): number {
    return Math.max(1, Math.round(this.options.expireSeconds ?? 60));
  }

  start(): void {
    this.pump();
    this.scheduleCounts();
  }

  /**
   * Accepts a request; resolves once the database has it (a second enqueue of its webhook id is a no-op).
   * Requests arriving while an INSERT runs go together in the next one (group commit, like the outbox).
   */
  enqueue(req: StoredRequest): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('sender is closing'));
    return new Promise((resolve, reject) => {
      // the embedded queue's lanes as pg-boss priorities: terminal and error events before progress (event-lanes.ts)
      const priority = LANE_PROGRESS - laneOf(req.eventType);
      this.pending.push({ req, job: { name: this.options.queues.main, id: jobIdOf(req.webhookId), data: jobDataOf(req), priority, expireInSeconds: this.expireSeconds }, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.inserting || this.pending.length === 0) return;
    const batch = this.pending.splice(0, 1000);
    this.inserting = true;
    this.options.boss.insert(batch.map((p) => p.job)).then(
      () => {
        this.inserting = false;
        this.database(undefined);
        this.queuedCount += batch.length;
        for (const p of batch) p.resolve();
        this.coalesce(batch.map((p) => p.req));
        this.options.onChange?.();
        this.pump();
        this.flush();
      },
      (e) => {
        this.inserting = false;
        const err = this.database(toError(e));
        for (const p of batch) p.reject(err);
        this.flush();
      },
    );
  }

  /** Msgs completed unsent because a newer one of their job replaced them (by this instance's enqueues), since the start. */
  get superseded(): number {
    return this.supersededCount;
  }

  /** Msgs this instance dropped because they were older than their TTL, since the start. */
  get expired(): number {
    return this.expiredCount;
  }

  /** Latest wins across instances: the batch just committed replaces older queued msgs of the same jobs. */
  private coalesce(batch: StoredRequest[]): void {
    const { boss, schema, queues } = this.options;
    supersedeOlder(boss.getDb(), schema, queues.main, batch).then(
      (dropped) => {
        for (const d of dropped) this.dropped(d.webhookId, d.eventType, 'superseded', d.ageMs);
        if (dropped.length) this.refreshCounts().catch(() => undefined);
      },
      (e) => this.options.onError?.(toError(e)),
    );
  }

  private dropped(webhookId: string, eventType: string | undefined, why: DroppedInfo['why'], ageMs: number): void {
    if (why === 'superseded') this.supersededCount += 1;
    else this.expiredCount += 1;
    this.log.add({ time: new Date(this.now()).toISOString(), webhookId, eventType, attempt: 0, durationMs: 0, verdict: why });
    this.options.onDropped?.({ webhookId, eventType, why, ageMs });
    this.options.onChange?.();
  }

  /** Puts the dead letters back in the queue with a fresh attempt budget; resolves with how many. */
  async replayDead(): Promise<number> {
    const { boss, queues } = this.options;
    let count = 0;
    for (;;) {
      const jobs = (await boss.fetch(queues.dead, { batchSize: 100 })) ?? [];
      if (jobs.length === 0) break;
      for (const job of jobs) {
        const { req } = requestOf(job.data);
        // a new job id: the original one is kept, completed, as the msg's idempotency key
        await boss.send(queues.main, jobDataOf(req), { expireInSeconds: this.expireSeconds });
        await boss.complete(queues.dead, job.id);
        count += 1;
      }
    }
    await this.refreshCounts();
    this.pump();
    return count;
  }

  /** The count the editor's "retry dead letters" shows; the replay runs on. */
  retryDead(): number {
    const count = this.deadCount;
    this.replayDead().catch((e) => this.options.onError?.(toError(e)));
    return count;
  }

  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.countTimer) clearTimeout(this.countTimer);
    this.unsubscribe?.();
    await this.release();
    if (this.inflight > 0) {
      // what is still in flight afterwards stays active in the database and is retried after it expires
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
  }

  private database(err: Error | undefined): Error {
    this.options.onDatabase?.(err);
    return err ?? new Error('ok');
  }

  private scheduleCounts(): void {
    if (this.stopped || this.countTimer) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = undefined;
      this.refreshCounts()
        .catch(() => undefined)
        .finally(() => this.scheduleCounts());
    }, 2000);
    this.countTimer.unref?.();
  }

  private async refreshCounts(): Promise<void> {
    const { boss, queues } = this.options;
    try {
      const now = this.now();
      const [queued, dead, earliest] = await Promise.all([
        boss.getQueueSize(queues.main),
        boss.getQueueSize(queues.dead),
        boss.getDb().executeSql(`SELECT extract(epoch from (min(start_after) - now())) * 1000 AS ms FROM ${this.options.schema}.job WHERE name = $1 AND state IN ('created', 'retry')`, [queues.main]),
      ]);
      this.queuedCount = queued;
      this.deadCount = dead;
      const ms = earliest.rows[0]?.ms;
      this.earliestAt = ms === null || ms === undefined ? undefined : now + Number(ms);
      // what other instances did to the endpoint: opened, disabled, enabled it, or paused it after a 429
      const target = this.options.target();
      if (target) {
        this.adopt(target, await this.sharedHealth(target).read(now));
        await this.sharedLimit(target).refresh(now);
      }
      this.database(undefined);
      this.options.onChange?.();
    } catch (e) {
      this.database(toError(e));
    }
  }

  private watch(health: EndpointTarget['health']): void {
    if (this.subscribedTo === health) return;
    this.unsubscribe?.();
    this.subscribedTo = health;
    this.unsubscribe = health.onChange((transition) => {
      // the editor's enable button or msg.enable on this instance: every instance is enabled again
      if (!this.adopting && (transition === 'enabled' || transition === 'closed')) void this.tell('enable');
      this.options.onChange?.();
      this.pump();
    });
  }

  /**
   * Starts attempts from the jobs already taken, and takes more (up to twice the concurrency ahead, one
   * query for many) when they run low. Taken jobs are active in the database: if this instance dies they
   * expire and another instance sends them.
   */
  private pump(): void {
    if (this.stopped) return;
    const target = this.options.target();
    if (!target) return;
    this.watch(target.health);
    if (target.health.disabled) return;
    const hold = this.holdUntil - this.now();
    if (hold > 0) {
      // paced or paused: jobs taken ahead go back for whichever instance gets the next token
      void this.release(hold);
      return this.poll(hold);
    }
    while (this.inflight < this.concurrency && this.taken.length > 0) this.run(this.taken.shift()!, target);
    const want = 2 * this.concurrency - this.taken.length - this.inflight;
    if (this.fetching || want < Math.ceil(this.concurrency / 2)) return;
    this.fetching = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.options.boss.fetch(this.options.queues.main, { batchSize: want }).then(
      (jobs) => {
        this.fetching = false;
        this.database(undefined);
        const list = jobs ?? [];
        this.taken.push(...list);
        this.queuedCount = Math.max(0, this.queuedCount - list.length);
        if (this.stopped) return void this.release();
        // jobs found: look again at once; none: after the poll interval
        if (list.length > 0) this.pump();
        else this.poll();
      },
      (e) => {
        this.fetching = false;
        this.database(toError(e));
        this.poll(2000);
      },
    );
  }

  /** Jobs taken but not started when stopping go back to the queue at once for the other instances. */
  private release(delayMs = 0): Promise<unknown> {
    const jobs = this.taken.splice(0);
    const { boss, schema, queues } = this.options;
    return Promise.all(jobs.map((job) => {
      let data;
      try {
        const { req, attempts } = requestOf(job.data);
        data = jobDataOf(req, attempts);
      } catch {
        return undefined;
      }
      return reschedule(boss.getDb(), schema, queues.main, job.id, delayMs, data).catch(() => undefined);
    }));
  }

  private poll(ms = this.options.pollMs ?? 500): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
    this.timer.unref?.();
  }

  private run(job: BossJob, target: EndpointTarget): void {
    this.inflight += 1;
    this.attempt(job, target)
      .catch((e) => {
        this.database(toError(e));
        this.options.onError?.(toError(e));
      })
      .finally(() => {
        this.inflight -= 1;
        for (const cb of [...this.inflightDone]) cb();
        this.pump();
      });
  }

  private async attempt(job: BossJob, target: EndpointTarget): Promise<void> {
    const { boss, queues, schema } = this.options;
    let parsed: { req: StoredRequest; attempts: number };
    try {
      parsed = requestOf(job.data);
    } catch (e) {
      this.options.onError?.(toError(e));
      await boss.complete(queues.main, job.id);
      return;
    }
    const { req } = parsed;
    let attempts = parsed.attempts;
    const now = this.now();
    if (isExpired(req, this.options.ttlMs, now)) {
      await this.completeSoon(job.id);
      this.dropped(req.webhookId, req.eventType, 'expired', Math.max(0, now - req.createdAt));
      return;
    }
    const prepared = this.preparation.prepare(req, target, now);
    if (prepared.kind === 'dead') return this.toDead(job, req, attempts, prepared.reason, undefined);
    if (prepared.kind === 'wait') {
      await reschedule(boss.getDb(), schema, queues.main, job.id, prepared.retryAt - now, jobDataOf(req, attempts));
      return;
    }
    // the endpoint's breaker and disable, then its rate limit and 429 pause, held in the database for every instance
    const health = this.sharedHealth(target);
    const limit = this.sharedLimit(target);
    const { gate, wait } = await health.gateAndTake(limit, now);
    this.adopt(target, gate.state);
    if (!gate.send) {
      if (gate.waitMs !== undefined) this.holdUntil = Math.max(this.holdUntil, this.now() + gate.waitMs);
      await reschedule(boss.getDb(), schema, queues.main, job.id, gate.waitMs ?? 0, jobDataOf(req, attempts));
      this.options.onChange?.();
      return;
    }
    if (wait > 0) {
      if (gate.probe) await this.tell('probe-now');
      this.holdUntil = Math.max(this.holdUntil, this.now() + wait);
      await reschedule(boss.getDb(), schema, queues.main, job.id, wait, jobDataOf(req, attempts));
      this.options.onChange?.();
      return;
    }
    const sent = await target.send(prepared.request);
    const result = scrubAttemptResult(sent, prepared.secretsSent);
    attempts += 1;
    const verdict = verdictOf(result);
    const throttled = result.kind === 'response' && result.status === 429;
    this.log.add({
      time: new Date(now).toISOString(),
      webhookId: req.webhookId,
      eventType: req.eventType,
      attempt: attempts,
      status: result.kind === 'response' ? result.status : undefined,
      durationMs: Math.round(result.durationMs),
      error: result.kind === 'response' ? undefined : result.error,
      verdict: throttled ? 'rate-limited' : verdict,
      response: result.kind === 'response' && result.body.length ? result.body.toString('utf8', 0, Math.min(result.body.length, 1024)) : undefined,
    });
    if (verdict === 'delivered') {
      target.health.delivered += 1;
      // the row said closed with no failures just before the attempt: nothing to reset (saves a round trip)
      if (gate.probe || target.health.consecutiveFailures > 0 || target.health.breaker !== 'closed') await this.tell('success');
      await this.completeSoon(job.id);
      this.options.onDelivered?.(() => deliveryOutput(req, attempts, result));
      this.options.onChange?.();
      return;
    }
    if (throttled) {
      const waitMs = throttleWaitMs(result, this.now());
      if (waitMs !== undefined) {
        // paced, not failed: every instance pauses, and this msg goes again right after, its attempt not counted
        const pauseMs = Math.max(waitMs, this.options.minThrottleMs ?? 100);
        await limit.pause(pauseMs, 'HTTP 429', this.now());
        this.holdUntil = Math.max(this.holdUntil, this.now() + pauseMs);
        await this.tell('neutral');
        await reschedule(boss.getDb(), schema, queues.main, job.id, pauseMs, jobDataOf(req, attempts - 1, `HTTP 429: paused ${Math.round(pauseMs / 100) / 10} s`));
        this.options.onChange?.();
        return;
      }
      // a 429 that names no wait: the overload delay pauses the endpoint, and the attempt counts
      await limit.pause(this.options.policy.options.overloadDelay * 1000, 'HTTP 429', this.now());
      await this.tell('neutral');
    } else {
      // a deliberate 4xx shows the endpoint is up: it does not count towards opening the breaker
      target.health.failed += 1;
      await this.tell(verdict !== 'permanent' ? 'down' : 'up', describe(result));
    }
    if (verdict === 'gone') {
      // kept queued (without counting the attempt) for when the endpoint is enabled again
      await reschedule(boss.getDb(), schema, queues.main, job.id, 0, jobDataOf(req, attempts - 1));
      await this.tell('disable', `410 Gone from ${req.url || target.url}`);
      return;
    }
    if (verdict === 'permanent') return this.toDead(job, req, attempts, `permanent failure: ${describe(result)}`, result);
    const retryAfter = result.kind === 'response' ? parseRetryAfter(result.headers['retry-after'], this.now()) : undefined;
    const delay = this.options.policy.nextDelayMs(attempts, { overload: isOverload(result), retryAfterMs: retryAfter });
    if (delay === undefined) return this.toDead(job, req, attempts, `gave up after ${attempts} attempts: ${describe(result)}`, result);
    await reschedule(boss.getDb(), schema, queues.main, job.id, delay, jobDataOf(req, attempts, describe(result)));
    this.options.onChange?.();
  }

  /** Completions of the attempts that end together go in one statement. */
  private completeSoon(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.completions.push({ id, resolve, reject });
      if (this.completions.length === 1) setImmediate(() => this.flushCompletions());
    });
  }

  private flushCompletions(): void {
    const batch = this.completions.splice(0);
    if (batch.length === 0) return;
    this.options.boss.complete(this.options.queues.main, batch.map((c) => c.id)).then(
      () => {
        for (const c of batch) c.resolve();
      },
      (e) => {
        for (const c of batch) c.reject(toError(e));
      },
    );
  }

  private async toDead(job: BossJob, req: StoredRequest, attempts: number, reason: string, result: AttemptResult | undefined): Promise<void> {
    const { boss, queues } = this.options;
    await boss.send(queues.dead, jobDataOf(req, attempts, reason), { id: job.id });
    await boss.complete(queues.main, job.id);
    this.deadCount += 1;
    this.options.onDead?.(deliveryOutput(req, attempts, result, reason));
    this.options.onChange?.();
  }

  /** The shared breaker / disable row of the endpoint's URL. */
  private sharedHealth(target: EndpointTarget): SharedHealth {
    const key = endpointKeyOf(target.url, []);
    if (this.shared?.key !== key) {
      const h = target.health;
      this.shared = new SharedHealth(this.options.boss.getDb(), this.options.schema, key, { breakerFailures: h.breakerFailures, disableAfterMs: h.disableAfterMs, probeMs: h.probeMs, probeMaxMs: h.probeMaxMs });
    }
    return this.shared;
  }

  /** Reports an outcome or an action to the shared row and takes the state it answers (with its transition). */
  private async tell(outcome: HealthOutcome, reason = ''): Promise<void> {
    const target = this.options.target();
    if (!target) return;
    try {
      const { state, transition } = await this.sharedHealth(target).report(outcome, reason, this.now());
      this.adopt(target, state, transition);
    } catch (e) {
      this.database(toError(e));
    }
  }

  /** Copies the shared state into the endpoint's health when it differs (or a transition is to be sent). */
  private adopt(target: EndpointTarget, state: SharedHealthState, transition?: HealthTransition): void {
    const h = target.health;
    const same = h.consecutiveFailures === state.consecutiveFailures && h.disabled === (state.disabledSince !== undefined)
      && (h.breaker !== 'closed') === (state.openUntil !== undefined) && Math.abs((h.nextProbeAt ?? 0) - (state.openUntil ?? 0)) < 1000;
    if (same && !transition) return;
    this.adopting = true;
    try {
      h.adopt(state, transition);
    } finally {
      this.adopting = false;
    }
  }

  /** The shared limit of the endpoint's URL and rules (a changed endpoint gets a fresh one). */
  private sharedLimit(target: EndpointTarget): SharedRateLimit {
    const rules = target.limiter?.rules ?? [];
    const key = endpointKeyOf(target.url, rules);
    if (this.limit?.key !== key) this.limit = new SharedRateLimit(this.options.boss.getDb(), this.options.schema, key, rules);
    return this.limit;
  }
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
