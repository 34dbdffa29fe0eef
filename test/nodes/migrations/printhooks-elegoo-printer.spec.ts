import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-elegoo-printer/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-elegoo-printer config migrations', () => {
  it('brings a config saved without `version` to version 1: saved values kept, the port following the model', () => {
    const saved = { id: 'n1', type: 'printhooks-elegoo-printer', name: 'first release', host: '192.168.1.50' };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS.slice(0, 1)), { ...saved, model: 'cc', port: 3030, mainboardId: '', bedCooled: 35, version: 1 });
    const cc2 = { id: 'n2', type: 'printhooks-elegoo-printer', host: 'cc2.local', model: 'cc2', mainboardId: 'SN1' };
    assert.deepEqual(migrateConfig(cc2, MIGRATIONS.slice(0, 1)), { ...cc2, port: 1883, bedCooled: 35, version: 1 });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('leaves a config at the current version as it is, an unknown model included (the node reports it)', () => {
    const current = { id: 'n1', type: 'printhooks-elegoo-printer', name: '', host: 'x', port: 3030, model: 'laser', mainboardId: '', bedCooled: 0, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
