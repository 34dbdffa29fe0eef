import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-octoprint-server/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-octoprint-server config migrations', () => {
  it('brings a config saved without `version` to version 1: saved values kept, missing fields defaulted', () => {
    const saved = { id: 'n1', type: 'printhooks-octoprint-server', name: 'first release', url: 'http://octopi.local', allowSelfSigned: true };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS);
    assert.deepEqual(migrated, { ...saved, printerId: '', snapshotUrl: '', offlineDelay: 30, bedCooled: 35, version: 1 });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-octoprint-server', name: '', url: 'https://octopi.local/op', printerId: 'ender', snapshotUrl: 'http://cam/snap', allowSelfSigned: true, offlineDelay: 5, bedCooled: 0, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
