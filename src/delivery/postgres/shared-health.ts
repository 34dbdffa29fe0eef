import type { HealthTransition, SharedHealthState } from '../endpoint-health';
import type { BossDb } from './pg-boss-loader';
import type { SharedRateLimit } from './shared-rate-limit';

export interface SharedHealthOptions {
  breakerFailures: number;
  disableAfterMs: number;
  probeMs: number;
  probeMaxMs: number;
}

/** What the shared row says before an attempt: send (`probe`: this attempt decides the breaker), wait, or hold. */
export type SharedGate = { send: true; probe: boolean; state: SharedHealthState } | { send: false; waitMs?: number; state: SharedHealthState };

export type HealthOutcome = 'success' | 'down' | 'up' | 'neutral' | 'disable' | 'enable' | 'probe-now';

/**
 * An endpoint's circuit breaker and automatic disable held in the shared database (docs/scale.md,
 * "Endpoint health across instances"): one row per endpoint (a hash of its URL), the same rules as
 * endpoint-health.ts, each change one PL/pgSQL call on the row locked FOR UPDATE, on the database clock.
 * An open breaker holds every instance off until `open_until`; the instance that passes it sends the one
 * probe (the others wait one more probe interval); a disabled endpoint is disabled for all of them.
 */
export class SharedHealth {
  private ready: Promise<void> | undefined;

  constructor(private readonly db: BossDb, private readonly schema: string, readonly key: string, private readonly options: SharedHealthOptions) {}

  private table(): string {
    return `${this.schema}.printhooks_endpoint_health`;
  }

  private setUp(): Promise<void> {
    this.ready ??= (async () => {
      // one text, one implicit transaction, serialized between instances (CREATE OR REPLACE FUNCTION run by two at once fails)
      await this.db.executeSql(`SELECT pg_advisory_xact_lock(hashtext('printhooks-setup'));
        CREATE TABLE IF NOT EXISTS ${this.table()} (key text PRIMARY KEY, failures int NOT NULL DEFAULT 0, down_streak int NOT NULL DEFAULT 0,
        failing_since double precision, open_until double precision, probing boolean NOT NULL DEFAULT false, probe_ms double precision NOT NULL,
        disabled_since double precision, reason text);
        ${functions(this.schema, this.table())}`);
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /** Before an attempt: may it go? */
  async gate(now = Date.now()): Promise<SharedGate> {
    await this.setUp();
    const { rows } = await this.db.executeSql(`SELECT ${this.schema}.printhooks_health_gate($1, $2::float8) AS r`, [this.key, this.options.probeMs]);
    const r = (rows[0]?.r ?? {}) as Raw;
    const state = stateOf(r, now);
    if (r.send) return { send: true, probe: Boolean(r.probe), state };
    return { send: false, waitMs: typeof r.wait === 'number' ? Math.max(0, r.wait) : undefined, state };
  }

  /**
   * The gate and, when it lets the attempt go, the rate limit's token, in one round trip (one statement: the
   * take runs only when the gate said send). `wait` is the rate limit's (0: taken).
   */
  async gateAndTake(limit: SharedRateLimit, now = Date.now()): Promise<{ gate: SharedGate; wait: number }> {
    await Promise.all([this.setUp(), limit.setUp()]);
    const { rows } = await this.db.executeSql(
      `SELECT g, CASE WHEN (g->>'send')::boolean THEN ${limit.takeSql(3)} ELSE 0 END AS wait
       FROM (SELECT ${this.schema}.printhooks_health_gate($1, $2::float8) AS g OFFSET 0) gate`,
      [this.key, this.options.probeMs, ...limit.takeValues()],
    );
    const r = (rows[0]?.g ?? {}) as Raw;
    const state = stateOf(r, now);
    const gate: SharedGate = r.send ? { send: true, probe: Boolean(r.probe), state } : { send: false, waitMs: typeof r.wait === 'number' ? Math.max(0, r.wait) : undefined, state };
    return { gate, wait: r.send ? limit.took(rows[0]?.wait) : 0 };
  }

  /** An attempt's outcome or an operator's action; answers the new state and the transition it caused. */
  async report(outcome: HealthOutcome, reason = '', now = Date.now()): Promise<{ state: SharedHealthState; transition?: HealthTransition }> {
    await this.setUp();
    const o = this.options;
    const { rows } = await this.db.executeSql(`SELECT ${this.schema}.printhooks_health_report($1, $2, $3, $4::int, $5::float8, $6::float8, $7::float8) AS r`, [this.key, outcome, reason, o.breakerFailures, o.disableAfterMs, o.probeMs, o.probeMaxMs]);
    const r = (rows[0]?.r ?? {}) as Raw;
    return { state: stateOf(r, now), transition: (r.transition ?? undefined) as HealthTransition | undefined };
  }

  /** The row as it is (another instance may have changed it). */
  async read(now = Date.now()): Promise<SharedHealthState> {
    await this.setUp();
    const { rows } = await this.db.executeSql(`SELECT ${this.schema}.printhooks_health_read($1) AS r`, [this.key]);
    return stateOf((rows[0]?.r ?? {}) as Raw, now);
  }
}

interface Raw {
  send?: boolean;
  probe?: boolean;
  wait?: number;
  transition?: string | null;
  failures?: number;
  failing_ago?: number | null;
  open_in?: number | null;
  disabled_ago?: number | null;
  reason?: string | null;
}

/** Times come as spans from the database's now, made into this instance's clock (no clock skew between instances). */
function stateOf(r: Raw, now: number): SharedHealthState {
  const state: SharedHealthState = { consecutiveFailures: typeof r.failures === 'number' ? r.failures : 0 };
  if (typeof r.failing_ago === 'number') state.failingSince = Math.round(now - r.failing_ago);
  if (typeof r.disabled_ago === 'number') {
    state.disabledSince = Math.round(now - r.disabled_ago);
    state.reason = r.reason ?? 'disabled';
  } else if (typeof r.open_in === 'number') state.openUntil = Math.round(now + r.open_in);
  return state;
}

function functions(schema: string, table: string): string {
  const view = `jsonb_build_object('failures', h.failures, 'failing_ago', now_ms - h.failing_since, 'open_in', h.open_until - now_ms, 'disabled_ago', now_ms - h.disabled_since, 'reason', h.reason)`;
  return `
CREATE OR REPLACE FUNCTION ${schema}.printhooks_health_read(p_key text) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE now_ms double precision := extract(epoch from clock_timestamp()) * 1000; h ${table}%ROWTYPE;
BEGIN
  SELECT * INTO h FROM ${table} WHERE key = p_key;
  IF NOT FOUND THEN RETURN jsonb_build_object('failures', 0); END IF;
  RETURN ${view};
END $fn$;

CREATE OR REPLACE FUNCTION ${schema}.printhooks_health_gate(p_key text, p_probe double precision) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE now_ms double precision := extract(epoch from clock_timestamp()) * 1000; h ${table}%ROWTYPE;
BEGIN
  SELECT * INTO h FROM ${table} WHERE key = p_key FOR UPDATE;
  IF NOT FOUND THEN RETURN jsonb_build_object('send', true, 'failures', 0); END IF;
  IF h.disabled_since IS NOT NULL THEN RETURN ${view} || jsonb_build_object('send', false); END IF;
  IF h.open_until IS NULL THEN RETURN ${view} || jsonb_build_object('send', true); END IF;
  IF h.open_until > now_ms THEN RETURN ${view} || jsonb_build_object('send', false, 'wait', h.open_until - now_ms); END IF;
  -- the probe: the others wait one more interval while it is in flight
  h.open_until := now_ms + h.probe_ms; h.probing := true;
  UPDATE ${table} SET open_until = h.open_until, probing = true WHERE key = p_key;
  RETURN ${view} || jsonb_build_object('send', true, 'probe', true);
END $fn$;

CREATE OR REPLACE FUNCTION ${schema}.printhooks_health_report(p_key text, p_outcome text, p_reason text, p_breaker int, p_disable_after double precision, p_probe double precision, p_probe_max double precision)
RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE now_ms double precision := extract(epoch from clock_timestamp()) * 1000; h ${table}%ROWTYPE; tr text; was_open boolean;
BEGIN
  INSERT INTO ${table} (key, probe_ms) VALUES (p_key, p_probe) ON CONFLICT (key) DO NOTHING;
  SELECT * INTO h FROM ${table} WHERE key = p_key FOR UPDATE;
  was_open := h.open_until IS NOT NULL;
  IF p_outcome IN ('success', 'enable') THEN
    IF p_outcome = 'enable' AND h.disabled_since IS NOT NULL THEN tr := 'enabled'; ELSIF was_open THEN tr := 'closed'; END IF;
    h.failures := 0; h.down_streak := 0; h.failing_since := NULL; h.open_until := NULL; h.probing := false; h.probe_ms := p_probe;
    IF p_outcome = 'enable' THEN h.disabled_since := NULL; h.reason := NULL; END IF;
  ELSIF p_outcome = 'disable' THEN
    IF h.disabled_since IS NULL THEN tr := 'disabled'; h.disabled_since := now_ms; h.reason := p_reason; END IF;
  ELSIF p_outcome = 'neutral' THEN
    IF h.probing THEN h.open_until := now_ms + h.probe_ms; h.probing := false; END IF;
  ELSIF p_outcome = 'probe-now' THEN
    IF was_open THEN h.open_until := now_ms; h.probing := false; END IF;
  ELSE
    h.failures := h.failures + 1;
    h.failing_since := coalesce(h.failing_since, now_ms);
    h.down_streak := CASE WHEN p_outcome = 'down' THEN h.down_streak + 1 ELSE 0 END;
    IF h.disabled_since IS NOT NULL THEN
      NULL;
    ELSIF p_disable_after > 0 AND now_ms - h.failing_since >= p_disable_after THEN
      tr := 'disabled'; h.disabled_since := now_ms;
      h.reason := format('only failures for %s min (last: %s)', greatest(1, round((now_ms - h.failing_since) / 60000)), p_reason);
    ELSIF p_outcome = 'up' THEN
      IF was_open THEN tr := 'closed'; h.open_until := NULL; h.probing := false; h.probe_ms := p_probe;
      ELSIF h.failures = 1 THEN tr := 'failing'; END IF;
    ELSIF was_open AND h.probing THEN
      tr := 'probe-failed'; h.probe_ms := least(h.probe_ms * 2, p_probe_max); h.open_until := now_ms + h.probe_ms; h.probing := false;
    ELSIF NOT was_open AND p_breaker > 0 AND h.down_streak >= p_breaker THEN
      tr := 'opened'; h.probe_ms := p_probe; h.open_until := now_ms + p_probe;
    ELSIF h.failures = 1 THEN tr := 'failing';
    END IF;
  END IF;
  UPDATE ${table} SET failures = h.failures, down_streak = h.down_streak, failing_since = h.failing_since, open_until = h.open_until,
    probing = h.probing, probe_ms = h.probe_ms, disabled_since = h.disabled_since, reason = h.reason WHERE key = p_key;
  RETURN ${view} || jsonb_build_object('transition', tr);
END $fn$;`;
}
