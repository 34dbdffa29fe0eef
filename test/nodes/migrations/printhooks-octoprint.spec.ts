import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-octoprint/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-octoprint config migrations', () => {
  it('brings a config saved without `version` to version 1: saved values kept, missing fields defaulted', () => {
    const saved = { id: 'n1', type: 'printhooks-octoprint', name: 'first release', server: 'srv', wires: [['out']] };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS.slice(0, 1));
    assert.deepEqual(migrated, { ...saved, includeRaw: false, version: 1 });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-octoprint', name: '', server: 'srv', includeRaw: true, wires: [['out']], version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
