import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-template; step N brings a config from version N to N+1
 * (docs/migrations.md). 0 → 1: flows saved before `version` existed get the defaults of the fields
 * they lack.
 */
export const MIGRATIONS: readonly Migration[] = [
  (c) => ({ preset: 'custom', mode: 'placeholders', contentType: 'json', method: 'POST', missing: 'drop', url: '', headers: '', ...c }),
];
