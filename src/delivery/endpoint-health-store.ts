import * as fs from 'fs';
import * as path from 'path';
import type { HealthSnapshot } from './endpoint-health';

/**
 * The endpoint health that outlasts a restart (docs/delivery.md, "Endpoint health"): when the failures began and
 * whether it is disabled, with a fingerprint of the endpoint's settings (never its credentials). A small JSON file
 * per endpoint, replaced whole (temp file + rename).
 */
export interface StoredHealth extends HealthSnapshot {
  version: 1;
  fingerprint: string;
}

/** The stored health, or undefined when there is none or it cannot be read (a damaged file is ignored). */
export function loadHealth(file: string): StoredHealth | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > 64 * 1024) return undefined;
  try {
    const raw = JSON.parse(text) as Partial<StoredHealth>;
    if (raw?.version !== 1 || typeof raw.fingerprint !== 'string') return undefined;
    const time = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const stored: StoredHealth = { version: 1, fingerprint: raw.fingerprint };
    const failingSince = time(raw.failingSince);
    if (failingSince !== undefined) stored.failingSince = failingSince;
    const disabledSince = time(raw.disabledSince);
    if (disabledSince !== undefined) {
      stored.disabledSince = disabledSince;
      stored.reason = typeof raw.reason === 'string' ? raw.reason.slice(0, 300) : 'disabled';
    }
    return stored;
  } catch {
    return undefined;
  }
}

/** Writes the health, or removes the file when there is nothing to keep. Calls `done` with an error, never throws. */
export function saveHealth(file: string, stored: StoredHealth, done: (err?: Error) => void): void {
  if (stored.failingSince === undefined && stored.disabledSince === undefined) {
    fs.rm(file, { force: true }, (err) => done(err ?? undefined));
    return;
  }
  const tmp = `${file}.tmp`;
  fs.mkdir(path.dirname(file), { recursive: true }, (mkErr) => {
    if (mkErr) return done(mkErr);
    fs.writeFile(tmp, JSON.stringify(stored), (writeErr) => {
      if (writeErr) return done(writeErr);
      fs.rename(tmp, file, (renameErr) => done(renameErr ?? undefined));
    });
  });
}

/**
 * What a starting endpoint restores: the stored health when the endpoint is unchanged and this is a restart;
 * nothing after a redeploy (which re-enables, docs/delivery.md) or when its settings changed.
 */
export function healthToRestore(stored: StoredHealth | undefined, fingerprint: string, redeploy: boolean): HealthSnapshot | undefined {
  if (!stored || redeploy || stored.fingerprint !== fingerprint) return undefined;
  const { version: _v, fingerprint: _f, ...snapshot } = stored;
  return snapshot;
}
