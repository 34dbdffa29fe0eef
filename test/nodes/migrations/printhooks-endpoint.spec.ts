import { strict as assert } from 'assert';
import { MIGRATIONS, migrateEndpoint } from '../../../nodes/printhooks-endpoint/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-endpoint migrations', () => {
  const V2_DEFAULTS = { proxyMode: 'env', httpsOnly: false, destinations: 'default' };

  it('brings a config saved without a version up to version 2 with the defaults it lacks, keeping its own values', () => {
    const saved = { id: 'e1', type: 'printhooks-endpoint', name: 'ha', url: 'http://127.0.0.1:8123/api/webhook/x', method: 'PUT' };
    assert.deepEqual(migrateEndpoint(saved, {}), {
      id: 'e1',
      type: 'printhooks-endpoint',
      name: 'ha',
      url: 'http://127.0.0.1:8123/api/webhook/x',
      method: 'PUT',
      timeout: 15,
      allowOverride: false,
      tlsInsecure: false,
      ...V2_DEFAULTS,
      auth: 'none',
      version: 2,
    });
  });

  it('1 → 2 derives auth from the credentials it holds: a token wins over basic auth, as before', () => {
    const v1 = { id: 'e1', type: 'printhooks-endpoint', url: 'https://h.test/x', method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: true, version: 1 };
    const auth = (creds: Record<string, string>) => migrateEndpoint<Record<string, unknown>>(v1, creds).auth;
    assert.equal(auth({}), 'none');
    assert.equal(auth({ token: 'T' }), 'bearer');
    assert.equal(auth({ username: 'u', password: 'p' }), 'basic');
    assert.equal(auth({ token: 'T', username: 'u', password: 'p' }), 'bearer');
    const migrated = migrateEndpoint<Record<string, unknown>>(v1, { token: 'SECRET-tok' });
    assert.deepEqual(migrated, { ...v1, ...V2_DEFAULTS, auth: 'bearer', version: 2 });
    assert.equal(JSON.stringify(migrated).includes('SECRET-tok'), false, 'only whether a credential exists is used');
  });

  it('keeps an auth already chosen (a v1 config re-saved by a newer editor), and runs the same each time', () => {
    const v1 = { id: 'e1', type: 'printhooks-endpoint', url: 'https://h.test/x', version: 1, auth: 'oauth2', proxyMode: 'none' };
    const once = migrateEndpoint<Record<string, unknown>>(v1, { token: 'T' });
    assert.equal(once.auth, 'oauth2');
    assert.equal(once.proxyMode, 'none');
    assert.deepEqual(migrateEndpoint(v1, { token: 'T' }), once);
  });

  it('leaves a config at the current version as it is, even with a field missing', () => {
    const saved = { id: 'e1', type: 'printhooks-endpoint', url: '', method: 'PATCH', timeout: 3, allowOverride: true, version: 2 };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), saved);
    assert.equal(MIGRATIONS.length, 2);
  });
});
