import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Replaces `file` with `body` so that a crash at any moment leaves either the old or the new content:
 * write a temporary file beside it, fsync it, rename it over the old one, then fsync the folder so the
 * rename itself is on disk. Private to the Node-RED user (0600 / 0700).
 */
export async function replaceFileAtomically(file: string, body: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(body, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  await syncFolder(dir);
}

/** fsync of a folder; some platforms (Windows) cannot open one for it, where a rename is durable anyway. */
async function syncFolder(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR / EPERM / EINVAL on platforms without directory fsync: nothing more can be done.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
