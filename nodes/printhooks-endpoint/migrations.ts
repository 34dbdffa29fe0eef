import type { Migration } from '../shared/migrate';
import { migrateConfig } from '../shared/migrate';
import { authFromCredentials } from '../../src/delivery/endpoint-access';

/** Which credentials a saved endpoint holds, for the 1 → 2 step (the flow file has no credentials). */
const HAS = '_hasCredentials';

/**
 * 0 → 1: `version` added; older configs get the defaults of fields they lack.
 * 1 → 2: `auth` (none/bearer/basic/oauth2) derived from the credentials it holds, a token winning over
 * basic auth as it did before `auth` existed; the proxy comes from the environment, the destination
 * policy is the default one, HTTPS-only is off.
 */
export const MIGRATIONS: readonly Migration[] = [
  (config) => ({ method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, ...config }),
  (config) => {
    const has = (config[HAS] ?? {}) as { token?: boolean; username?: boolean };
    return { proxyMode: 'env', httpsOnly: false, destinations: 'default', ...config, auth: config.auth || authFromCredentials(has) };
  },
];

/** Migrates an endpoint's config, telling the steps which credentials it has (never their values). */
export function migrateEndpoint<T>(def: object, creds: { token?: unknown; username?: unknown } | undefined): T {
  const migrated = migrateConfig<Record<string, unknown>>({ ...def, [HAS]: { token: !!creds?.token, username: !!creds?.username } }, MIGRATIONS);
  delete migrated[HAS];
  return migrated as T;
}
