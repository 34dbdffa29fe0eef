import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-creality-printer; step N brings a config from version N to
 * N+1 (docs/migrations.md). 0 → 1: flows saved before `version` existed get the defaults of the
 * fields they lack.
 * 1 → 2: `snapshotOn` (default `terminal`) and `maintenance` (default empty), docs/snapshots.md and docs/maintenance.md.
 */
export const MIGRATIONS: readonly Migration[] = [(c) => ({ port: 9999, offlineDelay: 12, bedCooled: 35, ...c }), (c) => ({ snapshotOn: 'terminal', maintenance: '', ...c }), (c) => ({ store: '', ...c }) /* store: docs/scale.md */];
