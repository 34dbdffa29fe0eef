#!/usr/bin/env node
// Runs every suite: core units, node tests on Node-RED 5.0 and again on 4.1, and process-level
// e2e tests. Prints one closing line "tests: N passed, N failed" over all runs.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const mocha = require.resolve('mocha/bin/mocha.js');
const reporter = path.join(root, 'test', 'mocha-count-reporter.js');
const args = process.argv.slice(2);
const onlyConformance = args[0] === 'conformance';
const extra = onlyConformance ? args.slice(1) : args;

const allSuites = [
  { name: 'core', dir: 'test/core', env: {} },
  { name: 'nodes on Node-RED 5', dir: 'test/nodes', env: { PRINTHOOKS_NODE_RED: '5' } },
  { name: 'nodes on Node-RED 4.1', dir: 'test/nodes', env: { PRINTHOOKS_NODE_RED: '4' } },
  { name: 'e2e', dir: 'test/e2e', env: {} },
];
// The conformance suite reads ../shared/fixtures, which only CI and developers have beside the repo.
const suites = onlyConformance ? [{ name: 'conformance', dir: 'test/conformance', env: {} }] : allSuites;

function hasSpecs(dir) {
  if (!fs.existsSync(dir)) return false;
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? hasSpecs(path.join(dir, e.name)) : e.name.endsWith('.spec.ts'));
}

let passed = 0;
let failed = 0;
let pending = 0;
let crashed = false;
// Tests talk to 127.0.0.1 only. A machine-wide HTTP(S)_PROXY (one a CI box may set for the npm registry)
// is kept for the npm installs some e2e specs run, but loopback goes direct: the sender honours NO_PROXY.
const loopback = '127.0.0.1,localhost,::1';
const noProxy = [process.env.no_proxy || process.env.NO_PROXY, loopback].filter(Boolean).join(',');

for (const suite of suites) {
  if (!hasSpecs(path.join(root, suite.dir))) continue;
  const statsFile = path.join(os.tmpdir(), `printhooks-stats-${process.pid}-${suite.name.replace(/\W+/g, '_')}.json`);
  fs.rmSync(statsFile, { force: true });
  console.log(`\n=== ${suite.name} ===`);
  const res = spawnSync(process.execPath, [mocha, '--reporter', reporter, `${suite.dir}/**/*.spec.ts`, ...extra], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NO_PROXY: noProxy, no_proxy: noProxy, ...suite.env, PRINTHOOKS_STATS_FILE: statsFile },
  });
  if (!fs.existsSync(statsFile)) {
    console.log(`(${suite.name}: mocha stopped before reporting, exit ${res.status})`);
    crashed = true;
    continue;
  }
  const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
  fs.rmSync(statsFile, { force: true });
  passed += stats.passes;
  failed += stats.failures;
  pending += stats.pending;
  if (res.status !== 0 && stats.failures === 0) crashed = true;
}
console.log(`\ntests: ${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
process.exit(failed > 0 || crashed ? 1 : 0);
