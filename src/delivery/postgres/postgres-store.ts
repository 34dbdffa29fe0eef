import { type ConnectionSettings, describeDatabaseError, driverOptions } from './connection-settings';
import { type Boss, type BossConstructor, loadPgBoss, PgBossMissingError } from './pg-boss-loader';

export interface PostgresStoreOptions {
  /** Folder to resolve pg-boss from (tests); default: this package's own resolution. */
  loadFrom?: string;
  /** How often pg-boss expires jobs of dead instances and archives old ones, s (default 30). */
  maintenanceSeconds?: number;
  /** Wait before starting again after the database could not be reached, ms (default 5000). */
  retryMs?: number;
  /** Pool size per instance (default 10). */
  poolSize?: number;
  /** The state changed: `problem` is the cause when the database cannot be used. */
  onChange?: () => void;
  /** Logged once per distinct cause. */
  onProblem?: (problem: string) => void;
}

/**
 * One printhooks-postgres config node's connection (docs/scale.md): one pg-boss instance (one pool) shared
 * by every sender and printer that names it, started on first use, started again until the database
 * answers. `problem` leads with the cause (database unreachable, login refused, pg-boss missing).
 */
export class PostgresStore {
  problem: string | undefined;
  private boss: Boss | undefined;
  private starting: Promise<Boss> | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastReported: string | undefined;
  private readonly waiters = new Set<(boss: Boss) => void>();

  constructor(readonly settings: ConnectionSettings, private readonly options: PostgresStoreOptions = {}) {}

  get schema(): string {
    return this.settings.schema;
  }

  /** True once pg-boss is started on the database. */
  get ready(): boolean {
    return this.boss !== undefined && this.problem === undefined;
  }

  /** The started pg-boss; waits (without a limit) until the database can be used. */
  whenReady(): Promise<Boss> {
    if (this.boss) return Promise.resolve(this.boss);
    this.begin();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** The started pg-boss now, or undefined (with `problem` saying why). */
  current(): Boss | undefined {
    this.begin();
    return this.boss;
  }

  /** A database operation by a user of the store failed or worked again: the status follows it. */
  report(err: Error | undefined): void {
    const problem = err ? describeDatabaseError(err, this.settings) : undefined;
    if (problem === this.problem) return;
    if (!this.boss && !err) return;
    this.setProblem(problem);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const boss = this.boss ?? (await this.starting?.catch(() => undefined));
    this.boss = undefined;
    await boss?.stop({ graceful: false, wait: true, timeout: 2000 }).catch(() => undefined);
  }

  private setProblem(problem: string | undefined): void {
    this.problem = problem;
    if (problem && problem !== this.lastReported) this.options.onProblem?.(problem);
    this.lastReported = problem;
    this.options.onChange?.();
  }

  private begin(): void {
    if (this.boss || this.starting || this.stopped || this.retryTimer) return;
    let Ctor: BossConstructor;
    try {
      Ctor = loadPgBoss(this.options.loadFrom);
    } catch (e) {
      // not retried: installing pg-boss needs a restart of Node-RED
      this.setProblem(e instanceof PgBossMissingError ? e.message : `pg-boss could not be loaded: ${String((e as Error).message)}`);
      return;
    }
    let boss: Boss;
    try {
      boss = this.construct(Ctor);
    } catch (e) {
      this.setProblem(`pg-boss refused the settings: ${String((e as Error).message)}`);
      return;
    }
    // without a listener an 'error' event would throw and stop Node-RED
    boss.on('error', (err) => this.report(err));
    this.starting = this.startBoss(boss);
    this.starting.catch(() => undefined);
  }

  private construct(Ctor: BossConstructor): Boss {
    return new Ctor({
      ...driverOptions(this.settings),
      schema: this.settings.schema,
      max: this.options.poolSize ?? 10,
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: this.options.maintenanceSeconds ?? 30,
      monitorStateIntervalSeconds: 60,
      archiveCompletedAfterSeconds: 7 * 24 * 3600,
    });
  }

  private startBoss(boss: Boss): Promise<Boss> {
    return boss.start().then(
      () => {
        this.starting = undefined;
        if (this.stopped) {
          void boss.stop({ graceful: false, wait: false }).catch(() => undefined);
          throw new Error('stopped');
        }
        this.boss = boss;
        this.setProblem(undefined);
        for (const resolve of [...this.waiters]) resolve(boss);
        this.waiters.clear();
        return boss;
      },
      (err: unknown) => {
        this.starting = undefined;
        void boss.stop({ graceful: false, wait: false }).catch(() => undefined);
        this.setProblem(describeDatabaseError(err, this.settings));
        if (!this.stopped) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.begin();
          }, this.options.retryMs ?? 5000);
          this.retryTimer.unref?.();
        }
        throw err;
      },
    );
  }
}
