#!/usr/bin/env node
// Adds node types to package.json's node-red.nodes map: `node scripts/add-node.js printhooks-x [...]`.
// One small atomic rewrite, so several people adding nodes at once do not clobber each other.
'use strict';
const fs = require('fs');
const path = require('path');
const file = path.resolve(__dirname, '..', 'package.json');
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
for (const type of process.argv.slice(2)) {
  pkg['node-red'].nodes[type] = `dist/nodes/${type}/${type}.js`;
}
const sorted = Object.fromEntries(Object.entries(pkg['node-red'].nodes).sort(([a], [b]) => a.localeCompare(b)));
pkg['node-red'].nodes = sorted;
const tmp = `${file}.${process.pid}.tmp`;
fs.writeFileSync(tmp, JSON.stringify(pkg, null, 2) + '\n');
fs.renameSync(tmp, file);
