import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-template/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-template config migrations', () => {
  it('brings a config saved without `version` to version 1: saved values kept, missing fields defaulted', () => {
    const saved = { id: 't1', type: 'printhooks-template', z: 'tab', name: '', body: '{"a":"{{type}}"}', wires: [['out']] };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS);
    assert.deepEqual(migrated, {
      ...saved,
      preset: 'custom',
      mode: 'placeholders',
      contentType: 'json',
      method: 'POST',
      missing: 'drop',
      url: '',
      headers: '',
      version: 1,
    });
  });

  it('does not override what an unversioned config chose', () => {
    const saved = { preset: 'ntfy', mode: 'jsonata', method: 'PUT', url: 'https://ntfy.example/topic' };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS);
    assert.equal(migrated.preset, 'ntfy');
    assert.equal(migrated.mode, 'jsonata');
    assert.equal(migrated.method, 'PUT');
    assert.equal(migrated.url, 'https://ntfy.example/topic');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 't1', type: 'printhooks-template', preset: 'discord', mode: 'placeholders', body: '', contentType: 'json', url: '', method: 'POST', headers: '', missing: 'empty', version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
