import path from 'node:path';
import { repoRoot } from './node-red-process';

/** The download logic is shared with `npm start` (scripts/node-runtime.js). */
const runtime = require(path.join(repoRoot, 'scripts', 'node-runtime.js')) as { node22(): string; node24(): string };

/** A Node.js >= 22.9 binary for starting Node-RED 5 as a process (its launcher exits on Node below 22.9). */
export function node22(): string {
  return runtime.node22();
}

/** A Node.js 24 binary, the one the Home Assistant add-on runs Node-RED 5 on. */
export function node24(): string {
  return runtime.node24();
}
