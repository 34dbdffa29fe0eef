import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-signer/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-signer config migrations', () => {
  it('brings a config saved without `version` to version 1 with the default scheme, header and encoding', () => {
    const saved = { id: 's1', type: 'printhooks-signer', z: 't1', name: '', wires: [['out']] };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), { ...saved, scheme: 'standard-webhooks', header: '', encoding: 'base64', version: 1 });
  });

  it('keeps the scheme an unversioned config chose', () => {
    const migrated = migrateConfig<Record<string, unknown>>({ scheme: 'github', header: 'X-Hub-Signature-256', encoding: 'hex' }, MIGRATIONS);
    assert.equal(migrated.scheme, 'github');
    assert.equal(migrated.header, 'X-Hub-Signature-256');
    assert.equal(migrated.encoding, 'hex');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 's1', type: 'printhooks-signer', scheme: 'token', header: 'Authorization', encoding: 'base64', secretsInMsg: true, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
