import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { helper } from '../helper';

export interface FilterEnv {
  /** The test's own Node-RED user folder, where the filter keeps its marks. */
  readonly userDir: string;
  /** <userDir>/printhooks/filter/<id>.json (docs/filter.md): the marks of filter node `id` (default f1). */
  stateFile(id?: string): string;
}

/**
 * Mocha hooks for filter node specs that keep marks on disk: a fresh user folder per test, the filter's
 * write interval shortened to `writeIntervalMs`, and the test helper's server around each test.
 */
export function useFilterEnv(writeIntervalMs: number): FilterEnv {
  let userDir = '';
  beforeEach(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-filter-'));
    helper.settings({ userDir, printhooks: { filter: { writeIntervalMs } } } as never);
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({ userDir: undefined, printhooks: undefined } as never);
    fs.rmSync(userDir, { recursive: true, force: true });
  });
  return {
    get userDir() {
      return userDir;
    },
    stateFile: (id = 'f1') => path.join(userDir, 'printhooks', 'filter', `${id}.json`),
  };
}
