import type { Migration } from '../shared/migrate';

/** 0 → 1: `version` added; older configs get the defaults of fields they lack. */
export const MIGRATIONS: readonly Migration[] = [
  (config) => ({ concurrency: 4, ordered: false, retrySchedule: '5,300,1800,7200,18000,36000,36000', jitter: 0.2, overloadDelay: 60, ...config }),
  // 1 → 2: `store` (docs/scale.md); empty keeps the embedded outbox
  (config) => ({ store: '', ...config }),
  // 2 → 3: `ttl` (empty = none) and a third output, endpoint health; saved wires keep their two outputs
  (config) => ({ ttl: '', ...config }),
];
