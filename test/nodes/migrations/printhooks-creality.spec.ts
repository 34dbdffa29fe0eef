import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-creality/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-creality config migrations', () => {
  it('brings a config saved without `version` to version 1 with includeRaw off', () => {
    const saved = { id: 'n1', type: 'printhooks-creality', name: 'K1', printer: 'p1' };
    assert.deepEqual(migrateConfig<Record<string, unknown>>(saved, MIGRATIONS.slice(0, 1)), { ...saved, includeRaw: false, version: 1 });
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-creality', name: '', printer: 'p1', includeRaw: true, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
