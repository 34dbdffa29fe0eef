import assert from 'node:assert/strict';
import { MIGRATIONS as bambu } from '../../../nodes/printhooks-bambu-printer/migrations';
import { MIGRATIONS as creality } from '../../../nodes/printhooks-creality-printer/migrations';
import { MIGRATIONS as elegoo } from '../../../nodes/printhooks-elegoo-printer/migrations';
import { MIGRATIONS as moonraker } from '../../../nodes/printhooks-moonraker-server/migrations';
import { MIGRATIONS as octoprint } from '../../../nodes/printhooks-octoprint-server/migrations';
import { MIGRATIONS as prusalink } from '../../../nodes/printhooks-prusalink-printer/migrations';
import { migrateConfig, type Migration } from '../../../nodes/shared/migrate';

// The step that brought snapshotOn and maintenance to the printer config nodes (docs/snapshots.md,
// docs/maintenance.md): Elegoo has no camera, so it gains only maintenance.
const CASES: Array<[string, readonly Migration[], number, boolean]> = [
  ['printhooks-octoprint-server', octoprint, 3, true],
  ['printhooks-moonraker-server', moonraker, 3, true],
  ['printhooks-bambu-printer', bambu, 2, true],
  ['printhooks-prusalink-printer', prusalink, 2, true],
  ['printhooks-creality-printer', creality, 2, true],
  ['printhooks-elegoo-printer', elegoo, 2, false],
];

describe('printer config migrations: snapshotOn and maintenance', () => {
  for (const [type, steps, version, camera] of CASES) {
    it(`${type}: every earlier version reaches ${version} with the defaults; chosen values are kept`, () => {
      for (let from = 0; from < version; from += 1) {
        const saved = { id: 'n1', type, name: `v${from}`, ...(from > 0 ? { version: from } : {}) };
        const migrated = migrateConfig<Record<string, unknown>>(saved, steps.slice(0, version));
        assert.equal(migrated.version, version);
        assert.equal(migrated.maintenance, '');
        assert.equal(migrated.snapshotOn, camera ? 'terminal' : undefined);
      }
      const chosen = { id: 'n1', type, maintenance: 'every 50 jobs: clean bed', snapshotOn: 'off', version: version - 1 };
      const kept = migrateConfig<Record<string, unknown>>(chosen, steps.slice(0, version));
      assert.equal(kept.maintenance, 'every 50 jobs: clean bed');
      assert.equal(kept.snapshotOn, 'off');
    });
  }
});

describe('source node migrations: the maintenance-reset input (version 2)', () => {
  const sources: Array<[string, readonly Migration[]]> = [
    ['printhooks-octoprint', require('../../../nodes/printhooks-octoprint/migrations').MIGRATIONS],
    ['printhooks-moonraker', require('../../../nodes/printhooks-moonraker/migrations').MIGRATIONS],
    ['printhooks-bambu', require('../../../nodes/printhooks-bambu/migrations').MIGRATIONS],
    ['printhooks-prusalink', require('../../../nodes/printhooks-prusalink/migrations').MIGRATIONS],
    ['printhooks-elegoo', require('../../../nodes/printhooks-elegoo/migrations').MIGRATIONS],
    ['printhooks-creality', require('../../../nodes/printhooks-creality/migrations').MIGRATIONS],
  ];
  for (const [type, steps] of sources) {
    it(`${type}: versions 0 and 1 reach 2 with their fields and wires unchanged`, () => {
      assert.equal(steps.length, 2);
      const v1 = { id: 's1', type, name: 'x', includeRaw: true, wires: [['out']], version: 1 };
      assert.deepEqual(migrateConfig(v1, steps), { ...v1, version: 2 });
      const v0 = { id: 's1', type, name: 'x', wires: [['out']] };
      assert.deepEqual(migrateConfig(v0, steps), { ...v0, includeRaw: false, version: 2 });
    });
  }
});
