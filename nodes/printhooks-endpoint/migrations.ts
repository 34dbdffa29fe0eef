import type { Migration } from '../shared/migrate';

/** 0 → 1: `version` added; older configs get the defaults of fields they lack. */
export const MIGRATIONS: readonly Migration[] = [
  (config) => ({ method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, ...config }),
];
