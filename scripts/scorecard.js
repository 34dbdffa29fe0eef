#!/usr/bin/env node
// The Flow Library scorecard (node-red-dev validate) on the packed package, as CI runs it
// (docs/home-assistant.md). Exits 1 when any check fails; catalogue.nodered.org is stubbed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const NODE_RED_DEV = 'node-red-dev@0.1.6';
const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-scorecard-'));
try {
  const [{ filename }] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
  execFileSync('tar', ['-xzf', path.join(work, filename), '-C', work]);
  const unpacked = path.join(work, 'package');
  const scoreFile = path.join(work, 'scorecard.json');
  const stub = path.join(__dirname, 'scorecard-offline-catalogue.js');
  const run = spawnSync(npx, ['--yes', NODE_RED_DEV, 'validate', '-p', unpacked, '-o', scoreFile], {
    cwd: work,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${stub}`.trim() },
  });
  if (!fs.existsSync(scoreFile)) {
    console.error(`scorecard: node-red-dev wrote no scorecard (exit ${run.status})`);
    process.exit(1);
  }
  const score = JSON.parse(fs.readFileSync(scoreFile, 'utf8'));
  const checks = Object.entries(score).filter(([id, v]) => /^[PND]\d\d$/.test(id) && v && typeof v === 'object' && 'test' in v);
  const failed = checks.filter(([, v]) => v.test !== true).map(([id]) => id);
  console.log(`scorecard: ${checks.map(([id, v]) => `${id} ${v.test === true ? 'pass' : 'FAIL'}`).join(', ')}`);
  // N02 passes vacuously when no editor definition could be read: it must have found our node types
  if (!Array.isArray(score.N02?.nodes) || score.N02.nodes.length === 0) failed.push('N02 (no node types read)');
  if (checks.length < 9 || failed.length > 0) {
    console.error(failed.length ? `scorecard: failed ${failed.join(', ')}` : `scorecard: only ${checks.length} checks reported`);
    process.exit(1);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
