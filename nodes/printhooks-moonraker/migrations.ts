import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-moonraker; step N brings a config from version N to N+1
 * (docs/migrations.md). 0 → 1: flows saved before `version` existed get the `includeRaw` default.
 */
export const MIGRATIONS: readonly Migration[] = [
  (c) => ({ includeRaw: false, ...c }),
  // 1 → 2: the node gained an input (a maintenance reset, docs/maintenance.md); nothing saved changes
  (c) => c,
];
