import path from 'node:path';
import type { TrackerSnapshot } from '../lifecycle';
import { FileJobStateStore } from './file-store';

/**
 * Persisted job state of one printer (docs/lifecycle.md, "Restarts"): what a source's JobTracker knew,
 * so a job that ended while Node-RED was down gets its one terminal event after the restart and a job
 * still running gets no second print.started. Plain JSON, never a secret.
 *
 * How a source uses it (three lines each):
 * - the printer's config node creates one store per printer with `jobStateStoreFor(RED, node, printer)`
 *   (nodes/shared/job-state-store.ts) and passes it to its connection as the `jobState` option;
 * - the monitor wraps its tracker in `JobStatePersistence` (src/state/persistence.ts) with
 *   `options.jobState ?? connection.jobState`: `restore()` in the constructor (before the first
 *   baseline), `baselineTaken()` after each baseline, `emitted(events)` after each batch of events.
 * - Several source nodes on one printer share the store; the last save wins (they see the same frames).
 */
export interface StoredJobState {
  tracker: TrackerSnapshot;
  /** Small source-specific extras (OctoPrint: the identity of the job it follows). Plain JSON. */
  source?: Record<string, unknown>;
}

/** `now`: a lifecycle edge, written at once. `soon`: a progress or layer mark, written at most every throttle period. */
export type SaveUrgency = 'now' | 'soon';

export interface JobStateStore {
  /** The latest state (saved in this run, or validated from the file); undefined when there is none. */
  load(): StoredJobState | undefined;
  /** Keeps `state` as the latest and writes it (atomic replace + fsync), at once or throttled. */
  save(state: StoredJobState, urgency: SaveUrgency): void;
  /** Resolves when everything saved so far is on disk. */
  flush(): Promise<void>;
  /** Flushes and stops; `removed` (the printer's config node was deleted) deletes the file instead. */
  close(removed: boolean): Promise<void>;
}

export interface JobStateStoreOptions {
  /** The state folder, normally `jobStateDir(RED.settings.userDir)`. */
  dir: string;
  /** The file name inside `dir` (the config node id); characters outside [A-Za-z0-9._-] become `_`. */
  key: string;
  /** Whose state this is: a file that names another printer is foreign and set aside. */
  printer: { id: string; kind: string };
  warn?: (message: string) => void;
  /** Least time between two `soon` writes, ms (default 10 000). */
  throttleMs?: number;
}

/** Where job state lives under a Node-RED user directory. */
export function jobStateDir(userDir: string): string {
  return path.join(userDir, 'printhooks', 'state');
}

export function createJobStateStore(options: JobStateStoreOptions): JobStateStore {
  return new FileJobStateStore(options);
}
