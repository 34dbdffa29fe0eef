import type { ProbeResult } from '../../sources/probe-result';
import { probeFailure } from '../../sources/probe-result';
import { type ConnectionSettings, describeDatabaseError, driverOptions } from './connection-settings';
import { loadPgClient, PgBossMissingError } from './pg-boss-loader';

/**
 * The printhooks-postgres "Test" button (docs/scale.md): reachable, login accepted, server version, and the
 * schema writable (a table created in it inside a transaction that is rolled back, so nothing is left).
 * Answers with the shape of every Test connection route (src/sources/probe-result.ts); never the password.
 */
export async function probeDatabase(settings: ConnectionSettings, loadFrom?: string): Promise<ProbeResult> {
  let Client;
  try {
    Client = loadPgClient(loadFrom);
  } catch (e) {
    return probeFailure('config', e instanceof PgBossMissingError ? e.message : 'pg could not be loaded');
  }
  const client = new Client(driverOptions(settings));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    const message = describeDatabaseError(e, settings);
    const code = (e as { code?: string }).code;
    const problem = code === '28P01' || code === '28000' ? 'auth' : /TLS/.test(message) ? 'tls' : /no answer/.test(message) ? 'timeout' : code === '3D000' ? 'config' : 'unreachable';
    return probeFailure(problem, message);
  }
  try {
    const { rows } = await client.query('SHOW server_version');
    const version = String(rows[0]?.server_version ?? '');
    const major = Number(version.split('.')[0]);
    if (!(major >= 13)) return { ...probeFailure('protocol', `PostgreSQL ${version} is too old: pg-boss needs 13 or newer`), version };
    try {
      await client.query('BEGIN');
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${settings.schema}`);
      await client.query(`CREATE TABLE ${settings.schema}.printhooks_probe_${process.pid} (id int)`);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
    return { ok: true, message: `connected to PostgreSQL ${version}; schema ${settings.schema} is writable`, version };
  } catch (e) {
    return probeFailure('auth', describeDatabaseError(e, settings));
  } finally {
    await client.end().catch(() => undefined);
  }
}
