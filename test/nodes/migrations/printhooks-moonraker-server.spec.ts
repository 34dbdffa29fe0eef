import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-moonraker-server/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-moonraker-server config migrations', () => {
  it('brings a config saved without `version` to the current version: saved values kept, missing fields defaulted', () => {
    const saved = { id: 'n1', type: 'printhooks-moonraker-server', name: 'first release', url: 'voron.local:7125', offlineDelay: '10' };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS);
    assert.deepEqual(migrated, { ...saved, bedCooled: 35, messagePrefix: '', snapshotOn: 'terminal', maintenance: '', store: '', version: MIGRATIONS.length });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('brings a version 1 config to version 2: messagePrefix empty (every message counts), a chosen one kept', () => {
    const v1 = { id: 'n1', type: 'printhooks-moonraker-server', name: 'v1', url: 'http://voron.local', offlineDelay: 30, bedCooled: 35, version: 1 };
    assert.equal(migrateConfig<Record<string, unknown>>(v1, MIGRATIONS.slice(0, 2)).messagePrefix, '');
    assert.equal(migrateConfig<Record<string, unknown>>({ ...v1, messagePrefix: 'notify' }, MIGRATIONS.slice(0, 2)).messagePrefix, 'notify');
    assert.equal(migrateConfig<Record<string, unknown>>(v1, MIGRATIONS.slice(0, 2)).version, 2);
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-moonraker-server', name: '', url: 'http://voron.local', offlineDelay: 0, bedCooled: 40, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
