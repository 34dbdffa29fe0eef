import type { NodeAPI, NodeDef } from 'node-red';
import { parseConnectionSettings } from '../../src/delivery/postgres/connection-settings';
import { probeDatabase } from '../../src/delivery/postgres/database-probe';
import { PostgresStore } from '../../src/delivery/postgres/postgres-store';
import { reportConfigError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import { registerProbeRoute } from '../shared/probe-route';
import { typedOrStoredSecret } from '../shared/typed-or-stored-secret';
import { MIGRATIONS } from './migrations';
import { type PostgresCredentials, type PostgresNode, postgresSettingsOf } from './postgres-node';

interface PostgresConfig extends NodeDef {
  host?: string;
  port?: number | string;
  database?: string;
  ssl?: boolean | string;
  schema?: string;
  version?: number;
}

/**
 * The PostgreSQL store (docs/scale.md): deliveries of the senders and the printers of the printer config
 * nodes that name it are shared by every Node-RED instance on the same database.
 */
export = function (RED: NodeAPI) {
  function PostgresConfigNode(this: PostgresNode, raw: PostgresConfig) {
    RED.nodes.createNode(this, raw);
    const config = migrateConfig<PostgresConfig>(raw, MIGRATIONS);
    this.runtime = postgresSettingsOf(RED.settings);
    const listeners = new Set<() => void>();
    this.onStoreChange = (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    };
    const parsed = parseConnectionSettings({ ...config, user: this.credentials?.user, password: this.credentials?.password });
    // an exported flow never carries the credentials: say which to enter rather than try the database without them
    const missing = parsed.settings && !parsed.settings.user ? missingLogin(parsed.settings.password) : undefined;
    if (!parsed.settings || missing) {
      this.configError = `printhooks-postgres: ${missing ?? parsed.errors.join('; ')}`;
      reportConfigError(this, this.configError);
    } else {
      this.store = new PostgresStore(parsed.settings, {
        loadFrom: this.runtime.loadFrom,
        maintenanceSeconds: this.runtime.maintenanceSeconds,
        onChange: () => {
          for (const listener of [...listeners]) {
            try {
              listener();
            } catch (e) {
              this.error(`printhooks-postgres: ${(e as Error).message}`);
            }
          }
        },
        onProblem: (problem) => this.warn(`printhooks-postgres: ${problem}`),
      });
      // connect at deploy, so a missing pg-boss or an unreachable database shows at once
      this.store.current();
    }
    this.on('close', (_removed: boolean, done: () => void) => {
      listeners.clear();
      const store = this.store;
      if (!store) return done();
      store.stop().then(() => done(), () => done());
    });
  }

  function missingLogin(password: string | undefined): string {
    return password ? 'set the database user' : 'set the database user and password';
  }

  RED.nodes.registerType<PostgresNode, PostgresConfig, unknown, PostgresCredentials>('printhooks-postgres', PostgresConfigNode, {
    credentials: { user: { type: 'text' }, password: { type: 'password' } },
  });

  // "Test" in the editor: reachable, login, server version, schema writable (docs/scale.md)
  registerProbeRoute(RED, 'printhooks-postgres', (body) => {
    const parsed = parseConnectionSettings({
      host: body.host,
      port: body.port,
      database: body.database,
      ssl: body.ssl,
      schema: body.schema,
      user: typedOrStoredSecret(RED, body, 'user', 'printhooks-postgres'),
      password: typedOrStoredSecret(RED, body, 'password', 'printhooks-postgres'),
    });
    if (!parsed.settings) return Promise.resolve({ ok: false, problem: 'config', message: parsed.errors.join('; ') });
    return probeDatabase(parsed.settings, postgresSettingsOf(RED.settings).loadFrom);
  });
};
