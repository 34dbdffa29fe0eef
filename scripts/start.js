#!/usr/bin/env node
// `npm start` (docs/demo.md): builds, starts the printer simulator (simulator/, three printers on
// 127.0.0.1) and Node-RED 5 on http://127.0.0.1:1880 with this package linked in, then deploys the demo
// flow: the simulated printers through the real PrintHooks nodes to a receiver page in the same Node-RED.
//
//   npm start                      the demo (user dir .node-red/printhooks-demo, made afresh each start)
//   npm start -- --plain           an empty Node-RED with the package (user dir .node-red, kept)
//   npm start -- --node-red 4      Node-RED 4.1 on this Node.js instead of 5
//   npm start -- --no-build        use dist/ as it is;  --port N (or PORT=N) for another port
// PRINTHOOKS_USER_DIR moves .node-red; LOG_LEVEL sets Node-RED's console level.
'use strict';
/* global fetch */ // Node 18+
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { node22 } = require('./node-runtime');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));

function parseArgs(argv) {
  const options = { plain: false, line: '5', build: true, port: process.env.PORT || '1880' };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined) fail(`${arg} needs a value`);
      i += 1;
      return v;
    };
    if (arg === '--plain') options.plain = true;
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--node-red') options.line = value().replace(/\..*$/, '');
    else if (arg === '--port') options.port = value();
    else fail(`unknown option ${arg} (--plain, --node-red 4|5, --no-build, --port N)`);
  }
  if (options.line !== '4' && options.line !== '5') fail('--node-red takes 4 or 5');
  if (!/^\d{1,5}$/.test(String(options.port))) fail('--port takes a port number');
  return options;
}

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

/** Makes `userDir` load this package: a package.json naming it and a symlink to the repo root. */
function linkPackage(userDir) {
  const link = path.join(userDir, 'node_modules', ...pkg.name.split('/'));
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(root, link, 'dir');
  const userPkg = path.join(userDir, 'package.json');
  const manifest = fs.existsSync(userPkg) ? JSON.parse(fs.readFileSync(userPkg, 'utf8')) : { name: 'printhooks-dev-user-dir', description: 'Node-RED user dir for npm start', version: '0.0.0', private: true };
  manifest.dependencies = { ...(manifest.dependencies || {}), [pkg.name]: `file:${root}` };
  fs.writeFileSync(userPkg, JSON.stringify(manifest, null, 2));
}

// Node-RED gets an IPC channel only to notice this script is gone (even after kill -9): it then stops as on
// Ctrl-C. The simulator does the same (simulator/main.ts).
const STOP_WITH_PARENT = '--import=data:text/javascript,process.once("disconnect",()=>process.kill(process.pid,"SIGINT"))';

function startNodeRed(options, userDir) {
  const five = options.line === '5';
  const binary = five ? node22() : process.execPath;
  const redJs = require.resolve(five ? 'node-red/red.js' : 'node-red-4/red.js');
  const version = require(five ? 'node-red/package.json' : 'node-red-4/package.json').version;
  console.log(`PrintHooks: starting Node-RED ${version} on Node.js ${five && binary !== process.execPath ? execFileSync(binary, ['--version']).toString().trim() : process.version}, user dir ${userDir}`);
  const args = [STOP_WITH_PARENT, redJs, '--userDir', userDir, '--port', String(options.port), '--settings', path.join(__dirname, 'start-settings.js')];
  return spawn(binary, args, { cwd: userDir, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, PRINTHOOKS_DEV: '1' } });
}

/** The simulator on this Node.js through tsx (a dev dependency): the fakes it drives are TypeScript. */
function startSimulator() {
  let tsx;
  try {
    tsx = require.resolve('tsx/cjs');
  } catch {
    fail('the demo runs the simulator with tsx, a dev dependency: run `npm install` (not --omit=dev), or use --plain');
  }
  return spawn(process.execPath, ['--require', tsx, path.join(root, 'simulator', 'main.ts')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Resolves with the first IPC message of `child`; rejects when it exits first. */
function firstMessage(child, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code})`));
    });
  });
}

/** Polls `url` until it answers `status` (or anything below 500 when status is undefined). */
async function waitFor(url, child, what, timeoutMs, status) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what}: Node-RED exited`);
    try {
      const res = await fetch(url);
      if (status === undefined ? res.status < 500 : res.status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: no answer from ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function deployDemo(base, sim, keys) {
  const { demoFlow, withCredentials } = require(path.join(root, 'simulator', 'demo-flow.js'));
  const res = await fetch(`${base}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-API-Version': 'v1', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(withCredentials(demoFlow(sim, base), keys)),
  });
  if (res.status !== 204 && res.status !== 200) throw new Error(`deploying the demo flow: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
}

/** Stops the children with SIGINT (both stop cleanly on it), SIGKILL after a grace period. */
function stopAll(children, graceMs = 10_000) {
  return Promise.all(children.filter(Boolean).map((child) => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  })));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.build) {
    try {
      execFileSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
    } catch {
      fail('the build failed (its errors are above)');
    }
  }
  const baseDir = path.resolve(process.env.PRINTHOOKS_USER_DIR || path.join(root, '.node-red'));
  // The demo's user dir is its own and made afresh: new printer addresses, no outbox or job state left over.
  const userDir = options.plain ? baseDir : path.join(baseDir, 'printhooks-demo');
  if (!options.plain) fs.rmSync(userDir, { recursive: true, force: true });
  linkPackage(userDir);

  const base = `http://127.0.0.1:${options.port}`;
  const children = [];
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    await stopAll(children);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0));

  let simulator;
  let simReady;
  const keys = {
    octoprintApiKey: crypto.randomBytes(16).toString('hex'),
    moonrakerApiKey: crypto.randomBytes(16).toString('hex'),
    bambuAccessCode: crypto.randomBytes(4).toString('hex'),
    signingSecret: `whsec_${crypto.randomBytes(32).toString('base64')}`,
  };
  if (!options.plain) {
    simulator = startSimulator();
    children.push(simulator);
    simReady = firstMessage(simulator, 'the printer simulator', 30_000);
    simulator.send({ octoprintApiKey: keys.octoprintApiKey, moonrakerApiKey: keys.moonrakerApiKey, bambuAccessCode: keys.bambuAccessCode });
  }
  const red = startNodeRed(options, userDir);
  children.push(red);
  red.on('exit', (code) => {
    if (stopping) return;
    console.error(`npm start: Node-RED exited (${code ?? 'signal'})`);
    void shutdown(code || 1);
  });

  try {
    await waitFor(`${base}/settings`, red, 'starting Node-RED', 120_000, 200);
    if (!options.plain) {
      const sim = await simReady;
      simulator.on('exit', (code) => {
        if (stopping) return;
        console.error(`npm start: the printer simulator exited (${code ?? 'signal'})`);
        void shutdown(1);
      });
      await deployDemo(base, sim, keys);
      await waitFor(`${base}/printhooks-demo`, red, 'deploying the demo flow', 30_000, 200);
      console.log(`\nPrintHooks demo: three simulated printers are printing.\nOpen ${base}/printhooks-demo for deliveries, ${base} for the editor. Ctrl-C stops everything.\n`);
    } else {
      console.log(`\nPrintHooks: Node-RED with the PrintHooks palette. Open ${base} for the editor. Ctrl-C stops it.\n`);
    }
  } catch (err) {
    console.error(`npm start: ${err instanceof Error ? err.message : err}`);
    await shutdown(1);
  }
}

main();
