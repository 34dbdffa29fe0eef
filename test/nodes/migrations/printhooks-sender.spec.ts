import { strict as assert } from 'assert';
import { MIGRATIONS } from '../../../nodes/printhooks-sender/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-sender migrations', () => {
  it('brings a config saved without a version up to version 1 with the defaults it lacks, keeping its own values', () => {
    const saved = { id: 's1', type: 'printhooks-sender', z: 'f1', name: 'to ha', endpoint: 'e1', concurrency: 8, wires: [[], []] };
    const migrated = migrateConfig<Record<string, unknown>>(saved, MIGRATIONS);
    assert.deepEqual(migrated, {
      id: 's1',
      type: 'printhooks-sender',
      z: 'f1',
      name: 'to ha',
      endpoint: 'e1',
      concurrency: 8,
      ordered: false,
      retrySchedule: '5,300,1800,7200,18000,36000,36000',
      jitter: 0.2,
      overloadDelay: 60,
      wires: [[], []],
      version: 1,
    });
    assert.equal('version' in saved, false, 'the saved config itself is left as it was');
  });

  it('leaves a config at the current version as it is', () => {
    const saved = { id: 's1', type: 'printhooks-sender', endpoint: 'e1', concurrency: '2', ordered: true, retrySchedule: '1,2', jitter: 0, overloadDelay: 5, version: 1 };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), saved);
  });
});
