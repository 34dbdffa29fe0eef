import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-prusalink-printer/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-prusalink-printer config migrations', () => {
  it('brings a config saved without `version` to version 1: saved values kept, missing fields defaulted', () => {
    const saved = { id: 'n1', type: 'printhooks-prusalink-printer', name: 'first release', url: 'http://192.168.1.30', pollInterval: 3 };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS.slice(0, 1));
    assert.deepEqual(migrated, { ...saved, offlineDelay: 30, bedCooled: 35, version: 1 });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-prusalink-printer', name: '', url: 'http://mk4.local', pollInterval: 5, offlineDelay: 60, bedCooled: 0, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
