import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-moonraker/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-moonraker config migrations', () => {
  it('brings a config saved without `version` to version 1, keeping what it chose', () => {
    const saved = { id: 'n1', type: 'printhooks-moonraker', name: 'first release', server: 'srv', includeRaw: true, wires: [['out']] };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS.slice(0, 1));
    assert.deepEqual(migrated, { ...saved, version: 1 });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-moonraker', name: '', server: 'srv', includeRaw: false, wires: [['out']], version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
