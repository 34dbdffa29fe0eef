// Issue 20: the printhooks-postgres config and the `store` field every printer config node gained.
import { strict as assert } from 'assert';
import { migrateConfig, type Migration } from '../../nodes/shared/migrate';
import { MIGRATIONS as POSTGRES } from '../../nodes/printhooks-postgres/migrations';

const PRINTERS: Record<string, readonly Migration[]> = {
  'printhooks-bambu-printer': require('../../nodes/printhooks-bambu-printer/migrations').MIGRATIONS,
  'printhooks-creality-printer': require('../../nodes/printhooks-creality-printer/migrations').MIGRATIONS,
  'printhooks-elegoo-printer': require('../../nodes/printhooks-elegoo-printer/migrations').MIGRATIONS,
  'printhooks-moonraker-server': require('../../nodes/printhooks-moonraker-server/migrations').MIGRATIONS,
  'printhooks-octoprint-server': require('../../nodes/printhooks-octoprint-server/migrations').MIGRATIONS,
  'printhooks-prusalink-printer': require('../../nodes/printhooks-prusalink-printer/migrations').MIGRATIONS,
};

describe('printhooks-postgres migrations and the printers\' store field', () => {
  it('a printhooks-postgres saved without `version` gets the defaults it lacks, keeping its own values', () => {
    const saved = { id: 'pg1', type: 'printhooks-postgres', host: 'db.farm.lan', schema: 'farm' };
    assert.deepEqual(migrateConfig(saved, POSTGRES), { ...saved, port: 5432, database: 'postgres', ssl: false, version: 1 });
  });

  for (const [type, migrations] of Object.entries(PRINTERS)) {
    it(`${type}: the last step adds an empty store (this instance alone, as before) and keeps a chosen one`, () => {
      const before = { id: 'p1', type, name: 'printer', version: migrations.length - 1 };
      assert.deepEqual(migrateConfig(before, migrations), { ...before, store: '', version: migrations.length });
      const chosen = { ...before, store: 'pg1' };
      assert.equal(migrateConfig<{ store: string }>(chosen, migrations).store, 'pg1');
    });
  }
});
