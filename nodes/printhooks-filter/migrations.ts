import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-filter; step N brings a config from version N to N+1
 * (docs/migrations.md). 0 → 1: flows saved before `version` existed get the defaults of the fields
 * they lack. 1 → 2: the time step and remaining-below thresholds arrive off (0), so a saved filter keeps
 * passing what it passed; only new filters get the chat-friendly editor defaults (docs/filter.md).
 */
export const MIGRATIONS: readonly Migration[] = [
  (c) => ({ events: [], rules: [], progressStep: 0, cooldown: 0, quietStart: '', quietEnd: '', timezone: '', quietMode: 'drop', ...c }),
  (c) => ({ progressEvery: 0, remainingBelow: 0, ...c }),
];
