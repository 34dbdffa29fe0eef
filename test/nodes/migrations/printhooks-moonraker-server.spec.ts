import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-moonraker-server/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-moonraker-server config migrations', () => {
  it('brings a config saved without `version` to version 1: saved values kept, missing fields defaulted', () => {
    const saved = { id: 'n1', type: 'printhooks-moonraker-server', name: 'first release', url: 'voron.local:7125', offlineDelay: '10' };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS);
    assert.deepEqual(migrated, { ...saved, bedCooled: 35, version: 1 });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-moonraker-server', name: '', url: 'http://voron.local', offlineDelay: 0, bedCooled: 40, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
