import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-elegoo/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-elegoo config migrations', () => {
  it('brings a config saved without `version` to version 1, keeping what it chose', () => {
    const saved = { id: 'n1', type: 'printhooks-elegoo', name: 'first release', printer: 'prn', wires: [['out']] };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS.slice(0, 1)), { ...saved, includeRaw: false, version: 1 });
    const raw = { ...saved, includeRaw: true };
    assert.deepEqual(migrateConfig(raw, MIGRATIONS.slice(0, 1)), { ...raw, version: 1 });
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-elegoo', name: '', printer: 'prn', includeRaw: false, wires: [['out']], version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
