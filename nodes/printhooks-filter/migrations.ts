import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-filter; step N brings a config from version N to N+1
 * (docs/migrations.md). 0 → 1: flows saved before `version` existed get the defaults of the fields
 * they lack.
 */
export const MIGRATIONS: readonly Migration[] = [
  (c) => ({ events: [], rules: [], progressStep: 0, cooldown: 0, quietStart: '', quietEnd: '', timezone: '', quietMode: 'drop', ...c }),
];
