import { DEFAULT_TOLERANCE_S } from '../../src/sign/verify';
import type { Migration } from '../shared/migrate';

/**
 * Saved-config migrations of printhooks-verify; step N brings a config from version N to N+1
 * (docs/migrations.md). 0 → 1: flows saved before `version` existed get the defaults of the fields
 * they lack.
 */
export const MIGRATIONS: readonly Migration[] = [
  (c) => ({ scheme: 'standard-webhooks', header: '', encoding: 'base64', tolerance: DEFAULT_TOLERANCE_S, respond401: true, parseJson: true, ...c }),
];
