import { createHash } from 'crypto';
import { type RateRule, MAX_PAUSE_MS, windowMarginMs } from '../rate-limiter';
import type { BossDb } from './pg-boss-loader';

/**
 * An endpoint's rate limit and 429 pause held in the shared database (docs/scale.md, "Rate limits across
 * instances"): one row per endpoint key with the state of rate-limiter.ts's rules (token bucket, window of
 * the last starts) and `paused_until`. Every instance takes its token in one statement (a PL/pgSQL function
 * that locks the row), on the database's clock, so the limit holds for all of them together.
 */
export class SharedRateLimit {
  private ready: Promise<void> | undefined;
  /** Local copy of the last pause seen, for the status and the sidebar (ms on this instance's clock). */
  pausedUntil = 0;
  pauseReason: string | undefined;

  constructor(private readonly db: BossDb, private readonly schema: string, readonly key: string, readonly rules: readonly RateRule[]) {}

  private table(): string {
    return `${this.schema}.printhooks_endpoint_limit`;
  }

  /** Creates the table and the function (once per instance; a second instance finds them made). */
  setUp(): Promise<void> {
    this.ready ??= (async () => {
      // one text, one implicit transaction, serialized between instances (CREATE OR REPLACE FUNCTION run by two at once fails)
      await this.db.executeSql(`SELECT pg_advisory_xact_lock(hashtext('printhooks-setup'));
        CREATE TABLE IF NOT EXISTS ${this.table()} (key text PRIMARY KEY, state jsonb, paused_until double precision, pause_reason text);
        ${takeFunction(this.schema, this.table())}`);
    })().catch((e: unknown) => {
      // two instances creating them at once: the loser tries again on its next attempt
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /**
   * The call that takes a token for an attempt starting now, for a statement whose parameters $n and $n+1 are
   * takeValues() (made together with the breaker's gate, shared-health.ts gateAndTake): it answers 0 when
   * taken, else the wait in ms (the rate limit or a pause), with nothing taken.
   */
  takeSql(n: number): string {
    return `${this.schema}.printhooks_rate_take($${n}, $${n + 1}::jsonb)`;
  }

  takeValues(): unknown[] {
    const rules = this.rules.map((r) => ({ requests: r.requests, periodMs: r.periodMs, burst: r.burst ?? r.requests, marginMs: sharedMarginMs(r.periodMs) }));
    return [this.key, JSON.stringify(rules)];
  }

  /** What a take call answered: the wait in ms (0: taken). */
  took(value: unknown): number {
    return Math.max(0, Math.ceil(Number(value ?? 0)));
  }

  /** A 429 seen by this instance pauses the endpoint for every instance (a shorter pause never shortens a longer one). */
  async pause(waitMs: number, reason: string, now = Date.now()): Promise<void> {
    await this.setUp();
    const ms = Math.min(Math.max(0, Math.round(waitMs)), MAX_PAUSE_MS);
    await this.db.executeSql(
      `INSERT INTO ${this.table()} AS l (key, paused_until, pause_reason) VALUES ($1, extract(epoch from clock_timestamp()) * 1000 + $2::bigint, $3)
       ON CONFLICT (key) DO UPDATE SET paused_until = EXCLUDED.paused_until, pause_reason = EXCLUDED.pause_reason
       WHERE coalesce(l.paused_until, 0) < EXCLUDED.paused_until`,
      [this.key, ms, reason],
    );
    if (now + ms > this.pausedUntil) {
      this.pausedUntil = now + ms;
      this.pauseReason = reason;
    }
  }

  /** Reads the pause another instance may have set (for the health view and nextAttemptAt). */
  async refresh(now = Date.now()): Promise<void> {
    await this.setUp();
    const { rows } = await this.db.executeSql(`SELECT paused_until - extract(epoch from clock_timestamp()) * 1000 AS left_ms, pause_reason FROM ${this.table()} WHERE key = $1`, [this.key]);
    const left = Number(rows[0]?.left_ms ?? 0);
    this.pausedUntil = left > 0 ? now + left : 0;
    this.pauseReason = left > 0 ? String(rows[0]?.pause_reason ?? 'paused') : undefined;
  }

  view(now = Date.now()): { rules: RateRule[]; shared: true; pausedUntil?: string; pauseReason?: string } {
    const paused = this.pausedUntil > now;
    return { rules: this.rules.map((r) => ({ ...r })), shared: true, ...(paused ? { pausedUntil: new Date(this.pausedUntil).toISOString(), pauseReason: this.pauseReason } : {}) };
  }
}

/**
 * The window margin on the shared queue: a start is counted at the database, a round trip before the request
 * leaves, and the instances' round trips differ, so the margin is twice the embedded queue's (at most 100 ms).
 */
export function sharedMarginMs(periodMs: number): number {
  return 2 * windowMarginMs(periodMs);
}

/**
 * The endpoint's key: a hash of its URL without credentials, query or fragment (the same target for every
 * instance and every flow that posts to it) and of its rules (changed rules start a fresh row).
 */
export function endpointKeyOf(url: string, rules: readonly RateRule[]): string {
  let where = url;
  try {
    const u = new URL(url);
    where = `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    // not a URL: the text itself (never stored, only its hash)
  }
  return createHash('sha256').update(`${where}\n${JSON.stringify(rules)}`).digest('hex');
}

/**
 * rate-limiter.ts's RateLimiter.nextAt/take in PL/pgSQL, on the row locked FOR UPDATE: state is one
 * {t: tokens, r: refilled at, s: [last starts]} per rule, times in ms on the database's clock.
 */
function takeFunction(schema: string, table: string): string {
  return `CREATE OR REPLACE FUNCTION ${schema}.printhooks_rate_take(p_key text, p_rules jsonb) RETURNS double precision LANGUAGE plpgsql AS $fn$
DECLARE
  now_ms double precision := extract(epoch from clock_timestamp()) * 1000;
  st jsonb; paused double precision; at double precision; n int := jsonb_array_length(p_rules);
  r jsonb; s jsonb; req double precision; period double precision; cap double precision; per double precision;
  tokens double precision; refilled double precision; starts jsonb; t double precision; out jsonb := '[]'::jsonb;
BEGIN
  INSERT INTO ${table} (key) VALUES (p_key) ON CONFLICT (key) DO NOTHING;
  SELECT state, paused_until INTO st, paused FROM ${table} WHERE key = p_key FOR UPDATE;
  IF st IS NOT NULL AND jsonb_array_length(st) <> n THEN st := NULL; END IF;
  at := greatest(now_ms, coalesce(paused, 0));
  FOR i IN 0 .. n - 1 LOOP
    r := p_rules -> i; s := st -> i;
    CONTINUE WHEN s IS NULL;
    req := (r->>'requests')::float8; period := (r->>'periodMs')::float8;
    cap := greatest(1, (r->>'burst')::float8); per := req / period;
    tokens := (s->>'t')::float8; refilled := (s->>'r')::float8; starts := s->'s';
    t := CASE WHEN at > refilled THEN least(cap, tokens + (at - refilled) * per) ELSE tokens END;
    IF t < 1 - 1e-9 THEN at := at + ceil((1 - t) / per); END IF;
    IF cap <= req AND jsonb_array_length(starts) >= req THEN
      at := greatest(at, (starts->>0)::float8 + period + (r->>'marginMs')::float8);
    END IF;
  END LOOP;
  IF at > now_ms THEN RETURN at - now_ms; END IF;
  FOR i IN 0 .. n - 1 LOOP
    r := p_rules -> i; s := st -> i;
    req := (r->>'requests')::float8; period := (r->>'periodMs')::float8;
    cap := greatest(1, (r->>'burst')::float8); per := req / period;
    IF s IS NULL THEN
      tokens := cap; refilled := now_ms; starts := '[]'::jsonb;
    ELSE
      tokens := (s->>'t')::float8; refilled := (s->>'r')::float8; starts := s->'s';
      IF now_ms > refilled THEN tokens := least(cap, tokens + (now_ms - refilled) * per); refilled := now_ms; END IF;
    END IF;
    tokens := greatest(0, tokens - 1);
    IF cap <= req THEN
      starts := starts || to_jsonb(now_ms);
      WHILE jsonb_array_length(starts) > req LOOP starts := starts - 0; END LOOP;
    ELSE
      starts := '[]'::jsonb;
    END IF;
    out := out || jsonb_build_array(jsonb_build_object('t', tokens, 'r', refilled, 's', starts));
  END LOOP;
  UPDATE ${table} SET state = out WHERE key = p_key;
  RETURN 0;
END
$fn$`;
}
