/**
 * The printhooks-postgres config node's fields, checked (DESIGN §3, docs/scale.md). The user name and
 * password come from Node-RED credentials and are only ever handed to the database driver.
 */
export interface ConnectionSettings {
  host: string;
  port: number;
  database: string;
  ssl: boolean;
  /** The PostgreSQL schema pg-boss and PrintHooks' own tables live in. */
  schema: string;
  user?: string;
  password?: string;
}

export interface RawConnectionSettings {
  host?: unknown;
  port?: unknown;
  database?: unknown;
  ssl?: unknown;
  schema?: unknown;
  user?: unknown;
  password?: unknown;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

export function parseConnectionSettings(raw: RawConnectionSettings): { settings?: ConnectionSettings; errors: string[] } {
  const errors: string[] = [];
  const host = typeof raw.host === 'string' ? raw.host.trim() : '';
  if (!host) errors.push('host is missing');
  const portText = raw.port === undefined || raw.port === '' ? '5432' : String(raw.port);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) errors.push(`port "${portText}" must be a whole number from 1 to 65535`);
  const database = typeof raw.database === 'string' && raw.database.trim() ? raw.database.trim() : 'postgres';
  const schema = typeof raw.schema === 'string' && raw.schema.trim() ? raw.schema.trim() : 'printhooks';
  if (!SCHEMA.test(schema)) errors.push(`schema "${schema}" must be lower-case letters, digits and _ (at most 63)`);
  const user = typeof raw.user === 'string' && raw.user !== '' ? raw.user : undefined;
  const password = typeof raw.password === 'string' && raw.password !== '' ? raw.password : undefined;
  if (errors.length) return { errors };
  return { errors, settings: { host, port, database, ssl: raw.ssl === true || raw.ssl === 'true', schema, user, password } };
}

/** Options for pg (and pg-boss): TLS verifies the server's certificate unless the system trusts none. */
export function driverOptions(settings: ConnectionSettings): Record<string, unknown> {
  return {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    ssl: settings.ssl ? { rejectUnauthorized: true } : false,
    application_name: 'printhooks',
    connectionTimeoutMillis: 5000,
  };
}

/** One line for a status or a log: the cause first, never the password. */
export function describeDatabaseError(err: unknown, settings: Pick<ConnectionSettings, 'host' | 'port'>): string {
  const e = err as { code?: string; message?: string };
  const where = `${settings.host}:${settings.port}`;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `database unreachable: connection refused by ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `database unreachable: host not found: ${settings.host}`;
    case 'ETIMEDOUT':
      return `database unreachable: no answer from ${where}`;
    case '28P01':
    case '28000':
      return 'database refused the login: check user and password';
    case '3D000':
      return 'database does not exist: check the database name';
    case '42501':
      return 'database user may not create or write the schema';
    default: {
      const text = String(e?.message ?? err).split('\n')[0];
      if (/timeout/i.test(text)) return `database unreachable: no answer from ${where}`;
      if (/ssl|tls|certificate/i.test(text)) return `database TLS failed: ${text}`;
      return `database error: ${text}`;
    }
  }
}
