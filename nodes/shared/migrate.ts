/**
 * Per-node config migrations (docs/migrations.md): saved flows carry a `version`; each step brings a config
 * from version N to N+1, so flows saved by any release keep working.
 */
export type Migration = (config: Record<string, unknown>) => Record<string, unknown>;

export function migrateConfig<T>(config: object, migrations: readonly Migration[]): T {
  let current: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  const raw = Number(current.version);
  let version = Number.isInteger(raw) && raw > 0 ? raw : 0;
  while (version < migrations.length) {
    current = migrations[version](current);
    version += 1;
    current.version = version;
  }
  return current as T;
}
