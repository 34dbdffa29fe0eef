import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A fresh temp directory per test, removed by the returned cleanup. */
export function tempDir(prefix = 'printhooks-outbox-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
