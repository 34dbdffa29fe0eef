import { strict as assert } from 'assert';
import { MIGRATIONS } from '../../../nodes/printhooks-sender/migrations';
import { migrateConfig } from '../../../nodes/shared/migrate';

describe('printhooks-sender migrations', () => {
  it('brings a config saved without a version up to the current version with the defaults it lacks, keeping its own values', () => {
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
      store: '',
      ttl: '',
      wires: [[], []],
      version: 3,
    });
    assert.equal('version' in saved, false, 'the saved config itself is left as it was');
  });

  it('1 → 2: a version-1 sender gets an empty store (the embedded outbox) and keeps the rest', () => {
    const saved = { id: 's1', type: 'printhooks-sender', endpoint: 'e1', concurrency: 2, ordered: false, retrySchedule: '1,2', jitter: 0, overloadDelay: 5, version: 1 };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), { ...saved, store: '', ttl: '', version: 3 });
    const shared = { ...saved, store: 'pg1', version: 1 };
    assert.equal(migrateConfig<{ store: string }>(shared, MIGRATIONS).store, 'pg1', 'a store already set is kept');
  });

  it('2 → 3: a version-2 sender gets no TTL and keeps its two output wires (the health output stays unwired)', () => {
    const saved = { id: 's1', type: 'printhooks-sender', endpoint: 'e1', store: '', version: 2, wires: [['ok'], ['dead']] };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), { ...saved, ttl: '', version: 3 });
    const withTtl = { ...saved, ttl: 'print.progress=60' };
    assert.equal(migrateConfig<{ ttl: string }>(withTtl, MIGRATIONS).ttl, 'print.progress=60');
  });

  it('leaves a config at the current version as it is', () => {
    const saved = { id: 's1', type: 'printhooks-sender', endpoint: 'e1', concurrency: '2', ordered: true, retrySchedule: '1,2', jitter: 0, overloadDelay: 5, store: '', version: MIGRATIONS.length };
    assert.deepEqual(migrateConfig(saved, MIGRATIONS), saved);
  });
});
