import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-signer; step N brings a config from version N to N+1
 * (docs/migrations.md). 0 → 1: flows saved before `version` existed get the default scheme, header
 * and encoding.
 */
export const MIGRATIONS: readonly Migration[] = [(c) => ({ scheme: 'standard-webhooks', header: '', encoding: 'base64', ...c })];
