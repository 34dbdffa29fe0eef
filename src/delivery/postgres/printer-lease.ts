import type { BossDb } from './pg-boss-loader';

/**
 * Printer ownership on the shared database (docs/scale.md, "Printers"): one row per printer config node,
 * held by one instance until `expires_at`; the holder renews it, anyone may take it once it has expired.
 * The printer's persisted job state lives beside it and is written only by the holder.
 */
export class PrinterLeases {
  private ready: Promise<void> | undefined;

  constructor(private readonly db: BossDb, private readonly schema: string) {}

  private tables(): Promise<void> {
    this.ready ??= (async () => {
      await this.db.executeSql(`CREATE TABLE IF NOT EXISTS ${this.schema}.printhooks_printer_lease (printer text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)`);
      await this.db.executeSql(`CREATE TABLE IF NOT EXISTS ${this.schema}.printhooks_job_state (printer text PRIMARY KEY, state jsonb NOT NULL, saved_at timestamptz NOT NULL DEFAULT now())`);
    })().catch((e: unknown) => {
      // two instances creating the tables at once: the loser tries again on its next turn
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /** Takes or renews the lease for `ms`; true when `owner` holds it now. */
  async hold(printer: string, owner: string, ms: number): Promise<boolean> {
    await this.tables();
    const t = `${this.schema}.printhooks_printer_lease`;
    const { rows } = await this.db.executeSql(
      `INSERT INTO ${t} AS l (printer, owner, expires_at) VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond')
       ON CONFLICT (printer) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE l.owner = EXCLUDED.owner OR l.expires_at < now() RETURNING owner`,
      [printer, owner, Math.round(ms)],
    );
    return rows.length === 1;
  }

  /** Gives the lease up (a clean stop): another instance takes the printer at once. */
  async release(printer: string, owner: string): Promise<void> {
    await this.tables();
    await this.db.executeSql(`DELETE FROM ${this.schema}.printhooks_printer_lease WHERE printer = $1 AND owner = $2`, [printer, owner]);
  }

  async loadState(printer: string): Promise<unknown> {
    await this.tables();
    const { rows } = await this.db.executeSql(`SELECT state FROM ${this.schema}.printhooks_job_state WHERE printer = $1`, [printer]);
    return rows[0]?.state;
  }

  /** Writes the state only while `owner` still holds the lease; false when it does not. */
  async saveState(printer: string, owner: string, state: unknown): Promise<boolean> {
    await this.tables();
    const { rows } = await this.db.executeSql(
      `INSERT INTO ${this.schema}.printhooks_job_state AS s (printer, state, saved_at)
       SELECT $1, $3::jsonb, now() WHERE EXISTS (SELECT 1 FROM ${this.schema}.printhooks_printer_lease WHERE printer = $1 AND owner = $2 AND expires_at > now())
       ON CONFLICT (printer) DO UPDATE SET state = EXCLUDED.state, saved_at = EXCLUDED.saved_at RETURNING printer`,
      [printer, owner, JSON.stringify(state)],
    );
    return rows.length === 1;
  }

  async deleteState(printer: string): Promise<void> {
    await this.tables();
    await this.db.executeSql(`DELETE FROM ${this.schema}.printhooks_job_state WHERE printer = $1`, [printer]);
  }
}
