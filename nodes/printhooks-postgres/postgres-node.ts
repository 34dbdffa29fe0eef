import type { Node } from 'node-red';
import type { PostgresStore } from '../../src/delivery/postgres/postgres-store';

export interface PostgresCredentials {
  user?: string;
  password?: string;
}

/** Runtime settings (settings.js `printhooks: { postgres: {...} }`), mostly for tests and benches. */
export interface PostgresRuntimeSettings {
  /** Folder to resolve pg-boss from instead of this package's own (tests of the absent case). */
  loadFrom?: string;
  /** pg-boss maintenance (expiry of a dead instance's jobs), s (default 30). */
  maintenanceSeconds?: number;
  /** A delivery active longer than this is retried elsewhere, s (default 60). */
  expireSeconds?: number;
  /** Idle poll of the shared queue, ms (default 500). */
  pollMs?: number;
  /** Printer ownership lease, s (default 30; renewed every third of it). */
  leaseSeconds?: number;
}

/** What a printhooks-postgres config node offers the senders and printer config nodes that name it. */
export interface PostgresNode extends Node<PostgresCredentials> {
  /** Absent when the config is unusable; `configError` says why. */
  store?: PostgresStore;
  configError?: string;
  runtime: PostgresRuntimeSettings;
  /** Called whenever the database's state changes (reachable, problem). Returns the unsubscribe. */
  onStoreChange(listener: () => void): () => void;
}

export function postgresSettingsOf(settings: unknown): PostgresRuntimeSettings {
  const all = (settings as { printhooks?: { postgres?: PostgresRuntimeSettings } } | undefined)?.printhooks?.postgres;
  return all && typeof all === 'object' ? all : {};
}
