import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-creality-printer/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-creality-printer config migrations', () => {
  it('brings a config saved without `version` to version 1: saved values kept, missing fields defaulted', () => {
    const saved = { id: 'n1', type: 'printhooks-creality-printer', name: 'first release', host: '192.168.1.50', offlineDelay: '20' };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS.slice(0, 1));
    assert.deepEqual(migrated, { ...saved, port: 9999, bedCooled: 35, version: 1 });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-creality-printer', name: '', host: 'k1.local', port: 9998, offlineDelay: 0, bedCooled: 0, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
