import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-prusalink/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-prusalink config migrations', () => {
  it('brings a config saved without `version` to version 1 with includeRaw off', () => {
    const saved = { id: 'n2', type: 'printhooks-prusalink', name: 'MK4', printer: 'n1' };
    assert.deepEqual(migrateConfig<Record<string, unknown>>(saved, MIGRATIONS.slice(0, 1)), { ...saved, includeRaw: false, version: 1 });
  });

  it('leaves a config at the current version as it is, includeRaw kept', () => {
    const current = { id: 'n2', type: 'printhooks-prusalink', name: '', printer: 'n1', includeRaw: true, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
