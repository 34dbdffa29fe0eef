#!/usr/bin/env node
// Compiles src/ and nodes/ with tsc, then copies each node's editor files (.html, locales/) and the
// palette icons beside the emitted .js, which is where Node-RED's loader looks for them. Last it writes
// resources/printhooks-lists.js from the compiled core (scripts/generate-editor-lists.js).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

const nodesSrc = path.join(root, 'nodes');
// nodes/<type>/ holds one node type each; only folders with an editor .html are node types
const icons = path.join(root, 'icons');
for (const type of fs.readdirSync(nodesSrc)) {
  const from = path.join(nodesSrc, type);
  if (!fs.statSync(from).isDirectory() || !fs.readdirSync(from).some((f) => f.endsWith('.html'))) continue;
  const to = path.join(dist, 'nodes', type);
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from)) {
    if (entry.endsWith('.html') || entry === 'locales') {
      fs.cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
    }
  }
  if (fs.existsSync(icons)) fs.cpSync(icons, path.join(to, 'icons'), { recursive: true });
}
const lists = require('./generate-editor-lists');
lists.generate(path.join(dist, 'src'), lists.outFile);
console.log('build: dist/ and resources/printhooks-lists.js ready');
