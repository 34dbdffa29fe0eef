import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-verify/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-verify config migrations', () => {
  it('brings a config saved without `version` to version 1: 300 s tolerance, 401 answers, JSON parsing', () => {
    const saved = { id: 'v1', type: 'printhooks-verify', z: 't1', name: '', scheme: 'standard-webhooks', wires: [['valid'], ['rejected']] };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), {
      ...saved,
      header: '',
      encoding: 'base64',
      tolerance: 300,
      respond401: true,
      parseJson: true,
      version: 1,
    });
  });

  it('keeps what an unversioned config switched off', () => {
    const migrated = migrateConfig<Record<string, unknown>>({ tolerance: 0, respond401: false, parseJson: false }, MIGRATIONS);
    assert.equal(migrated.tolerance, 0);
    assert.equal(migrated.respond401, false);
    assert.equal(migrated.parseJson, false);
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'v1', type: 'printhooks-verify', scheme: 'github', header: '', encoding: 'hex', tolerance: '60', respond401: false, parseJson: true, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
