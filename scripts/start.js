#!/usr/bin/env node
// `npm start`: builds, then runs Node-RED 4.1 (the line the Home Assistant add-on ships, and one that
// runs on Node 20) on http://127.0.0.1:1880 with this package installed in a gitignored user dir,
// so the palette shows the PrintHooks category and Import ▸ Examples lists our flows.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const userDir = path.resolve(process.env.PRINTHOOKS_USER_DIR || path.join(root, '.node-red'));
const port = process.env.PORT || '1880';
const pkg = require(path.join(root, 'package.json'));

if (!process.argv.includes('--no-build')) execFileSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });

const link = path.join(userDir, 'node_modules', ...pkg.name.split('/'));
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync(root, link, 'dir');
const userPkg = path.join(userDir, 'package.json');
const manifest = fs.existsSync(userPkg) ? JSON.parse(fs.readFileSync(userPkg, 'utf8')) : { name: 'printhooks-dev-user-dir', description: 'Node-RED user dir for npm start', version: '0.0.0', private: true };
manifest.dependencies = { ...(manifest.dependencies || {}), [pkg.name]: `file:${root}` };
fs.writeFileSync(userPkg, JSON.stringify(manifest, null, 2));

const redJs = require.resolve('node-red-4/red.js');
const settings = path.join(__dirname, 'start-settings.js');
const args = [redJs, '--userDir', userDir, '--port', port, '--settings', settings];
console.log(`PrintHooks: starting Node-RED (${require('node-red-4/package.json').version}) on http://127.0.0.1:${port}, user dir ${userDir}`);
const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, PRINTHOOKS_DEV: '1' } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
