import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../nodes/printhooks-filter/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-filter config migrations', () => {
  it('brings a config saved without `version` to the current version: saved values kept, missing fields defaulted', () => {
    const saved = { id: 'f1', type: 'printhooks-filter', z: 't1', name: 'done only', events: ['print.done'], progressStep: 25, wires: [['out']] };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS);
    assert.deepEqual(migrated, {
      ...saved,
      rules: [],
      cooldown: 0,
      quietStart: '',
      quietEnd: '',
      timezone: '',
      quietMode: 'drop',
      progressEvery: 0,
      remainingBelow: 0,
      version: 2,
    });
    assert.equal('version' in saved, false, 'the saved config is not changed in place');
  });

  it('1 → 2: a filter saved with `events: []` keeps passing every type, with the time step and remaining-below off', () => {
    const saved = { id: 'f1', type: 'printhooks-filter', events: [], rules: [], progressStep: 0, cooldown: 0, quietStart: '', quietEnd: '', timezone: '', quietMode: 'drop', version: 1 };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS);
    assert.deepEqual(migrated, { ...saved, progressEvery: 0, remainingBelow: 0, version: 2 });
  });

  it('leaves a config at the current version as it is', () => {
    const current = { id: 'f1', type: 'printhooks-filter', events: [], rules: [], progressStep: 10, cooldown: 60, quietStart: '22:00', quietEnd: '07:00', timezone: 'Europe/Berlin', quietMode: 'hold', progressEvery: 10, remainingBelow: 15, version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(current, MIGRATIONS), current);
  });
});
