import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-postgres (docs/migrations.md). 0 → 1: configs saved without
 * `version` get the defaults of the fields they lack.
 */
export const MIGRATIONS: readonly Migration[] = [(c) => ({ host: '', port: 5432, database: 'postgres', ssl: false, schema: 'printhooks', ...c })];
