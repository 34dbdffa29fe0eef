import { strict as assert } from 'assert';
import { MIGRATIONS } from '../../../nodes/printhooks-endpoint/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-endpoint migrations', () => {
  it('brings a config saved without a version up to version 1 with the defaults it lacks, keeping its own values', () => {
    const saved = { id: 'e1', type: 'printhooks-endpoint', name: 'ha', url: 'http://127.0.0.1:8123/api/webhook/x', method: 'PUT' };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), {
      id: 'e1',
      type: 'printhooks-endpoint',
      name: 'ha',
      url: 'http://127.0.0.1:8123/api/webhook/x',
      method: 'PUT',
      timeout: 15,
      allowOverride: false,
      tlsInsecure: false,
      version: 1,
    });
  });

  it('leaves a config at the current version as it is, even with a field missing', () => {
    const saved = { id: 'e1', type: 'printhooks-endpoint', url: '', method: 'PATCH', timeout: 3, allowOverride: true, version: 1 };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), saved);
  });
});
