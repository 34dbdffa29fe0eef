import path from 'node:path';
import { CaptureDisk } from './capture-disk';
import { CaptureStore, type CaptureLimits } from './capture-store';

/**
 * The one capture store of the process, shared by every source (which captures) and template (which
 * attaches), like the snapshot registry. Its folder is `<userDir>/printhooks/snapshots`; without a user
 * dir images are kept in memory only (docs/snapshots.md).
 */
let current: CaptureStore | undefined;
let currentDir: string | undefined;

export function captureDir(userDir: string): string {
  return path.join(userDir, 'printhooks', 'snapshots');
}

/** The shared store; a different folder (another runtime in the same process, tests) starts a new one. */
export function sharedCaptures(dir?: string, limits?: Partial<CaptureLimits>): CaptureStore {
  if (!current || (dir !== undefined && dir !== currentDir) || (limits !== undefined && !sameLimits(current.limits, limits))) {
    current?.dispose();
    const disk = dir !== undefined ? new CaptureDisk({ dir }) : undefined;
    current = new CaptureStore({ disk, limits });
    currentDir = dir;
    void disk?.prune().catch(() => undefined);
  }
  return current;
}

/** The shared store if a source made one, for the template: it never creates one itself. */
export function existingCaptures(): CaptureStore | undefined {
  return current;
}

function sameLimits(have: CaptureLimits, want: Partial<CaptureLimits>): boolean {
  return Object.entries(want).every(([key, value]) => value === undefined || have[key as keyof CaptureLimits] === value);
}
