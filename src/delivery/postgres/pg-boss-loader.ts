/**
 * pg-boss is an optional peer dependency (docs/scale.md): loaded here, only when a printhooks-postgres node
 * is deployed, so the embedded default installs without it. `from` resolves it from another folder (tests).
 */
export const PG_BOSS_MISSING = 'PostgreSQL store needs pg-boss: run npm install pg-boss@10 in the Node-RED user dir';

export class PgBossMissingError extends Error {
  constructor() {
    super(PG_BOSS_MISSING);
    this.name = 'PgBossMissingError';
  }
}

/** The part of pg-boss 10 this package uses. */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface BossJob {
  id: string;
  name: string;
  data: unknown;
}

export interface Boss {
  start(): Promise<unknown>;
  stop(options?: { graceful?: boolean; wait?: boolean; timeout?: number }): Promise<void>;
  on(event: 'error', handler: (err: Error) => void): unknown;
  createQueue(name: string, options?: Record<string, unknown>): Promise<void>;
  send(name: string, data: object, options?: Record<string, unknown>): Promise<string | null>;
  insert(jobs: Record<string, unknown>[]): Promise<unknown>;
  fetch(name: string, options?: { batchSize?: number }): Promise<BossJob[] | null>;
  complete(name: string, id: string | string[], data?: object): Promise<unknown>;
  getQueueSize(name: string): Promise<number>;
  getDb(): BossDb;
}

export type BossConstructor = new (options: Record<string, unknown>) => Boss;

export function loadPgBoss(from?: string): BossConstructor {
  let resolved: string;
  try {
    resolved = require.resolve('pg-boss', from ? { paths: [from] } : undefined);
  } catch {
    throw new PgBossMissingError();
  }
  const loaded = require(resolved) as BossConstructor | { default: BossConstructor };
  return typeof loaded === 'function' ? loaded : loaded.default;
}

/** The pg client pg-boss brings with it (the Test button's one connection). */
export interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', handler: (err: Error) => void): unknown;
}

export type PgClientConstructor = new (options: Record<string, unknown>) => PgClient;

export function loadPgClient(from?: string): PgClientConstructor {
  let boss: string;
  try {
    boss = require.resolve('pg-boss', from ? { paths: [from] } : undefined);
  } catch {
    throw new PgBossMissingError();
  }
  const pg = require(require.resolve('pg', { paths: [boss] })) as { Client: PgClientConstructor };
  return pg.Client;
}
