import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-bambu-printer/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-bambu-printer config migrations', () => {
  it('brings a config saved without `version` to version 1: saved values kept, missing fields defaulted', () => {
    const saved = { id: 'n1', type: 'printhooks-bambu-printer', name: 'first release', host: '192.168.1.20', serial: '01S00C123456789', tls: 'insecure' };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS.slice(0, 1));
    assert.deepEqual(migrated, { ...saved, port: 8883, ca: '', fingerprint: '', bedCooled: 35, version: 1 });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'n1', type: 'printhooks-bambu-printer', name: '', host: 'x1c.local', port: 8883, serial: '00M09A123456789', tls: 'ca', ca: '-----BEGIN CERTIFICATE-----', fingerprint: '', bedCooled: 30, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
