import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-elegoo-printer; step N brings a config from version N to N+1
 * (docs/migrations.md). 0 → 1: flows saved before `version` existed get the defaults of the fields
 * they lack (the port follows the model: 1883 for a Centauri Carbon 2, else 3030).
 * 1 → 2: `maintenance` (default empty), docs/snapshots.md and docs/maintenance.md.
 */
export const MIGRATIONS: readonly Migration[] = [
  (c) => ({ model: 'cc', port: c.model === 'cc2' ? 1883 : 3030, mainboardId: '', bedCooled: 35, ...c }),
  (c) => ({ maintenance: '', ...c }),
  // the printer's shared PostgreSQL store (docs/scale.md); empty = this instance alone, as before
  (c) => ({ store: '', ...c }),
];
