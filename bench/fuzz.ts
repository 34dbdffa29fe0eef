// `npm run fuzz`: 100,000 seeded malformed frames per source (docs/robustness.md) through real sockets
// into Node-RED running as a process, then one normal job per source. Prints frames/s, the Node-RED
// process's RSS before and after, whether it exited, and whether the next job was reported exactly.
// Options: --frames N (default 100000), --seed N, --sources bambu,moonraker,octoprint, --line 4|5.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakePrinter } from '../test/fakes/bambu/fake-printer';
import { normalJobProblem, runNormalJob, sendMalformedFrames, type FuzzFake, type JobEvent } from '../test/fakes/fuzz/fuzz-run';
import type { FuzzSource } from '../test/fakes/fuzz/malformed-frames';
import { FakeMoonraker } from '../test/fakes/moonraker/fake-moonraker';
import { FakeOctoPrint } from '../test/fakes/octoprint/fake-octoprint';
import { FakeReceiver } from '../test/fakes/receiver/receiver';
import { node22 } from '../test/e2e/support/node22';
import { NodeRedProcess, repoRoot } from '../test/e2e/support/node-red-process';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const FRAMES = Number(arg('frames', '100000'));
const SEED = Number(arg('seed', '20261202'));
const SOURCES = arg('sources', 'bambu,moonraker,octoprint').split(',') as FuzzSource[];
const LINE = arg('line', '4') === '5' ? '5' : '4';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size of a process in MB (Linux /proc), or NaN where it cannot be read. */
function rssMb(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return Number.NaN;
  }
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Rig {
  target: FuzzFake;
  node: object[];
  credentials: Record<string, object>;
  connected(): boolean;
  stop(): Promise<void>;
}

async function rigFor(source: FuzzSource, post: string): Promise<Rig> {
  const cfg = `${source}-cfg`;
  const src = `${source}-src`;
  if (source === 'bambu') {
    const fake = await new FakePrinter().start();
    return {
      target: { source, fake },
      node: [{ id: cfg, type: 'printhooks-bambu-printer', name: 'P1S', host: '127.0.0.1', port: fake.port, serial: fake.serial, tls: 'insecure', reconnectMs: 20, slowRetryMs: 200 }, { id: src, z: 'tab', type: 'printhooks-bambu', printer: cfg, wires: [[post]] }],
      credentials: { [cfg]: { accessCode: fake.accessCode } },
      connected: () => fake.connections > 0,
      stop: () => fake.stop(),
    };
  }
  if (source === 'moonraker') {
    const fake = new FakeMoonraker();
    await fake.listen();
    return {
      target: { source, fake },
      node: [{ id: cfg, type: 'printhooks-moonraker-server', name: 'Voron', url: fake.url, reconnectMs: 20, klippyRetryMs: 40 }, { id: src, z: 'tab', type: 'printhooks-moonraker', server: cfg, wires: [[post]] }],
      credentials: {},
      connected: () => fake.clientCount > 0 && fake.subscribedObjects() !== undefined,
      stop: () => fake.close(),
    };
  }
  const fake = await new FakeOctoPrint().start();
  return {
    target: { source, fake },
    node: [{ id: cfg, type: 'printhooks-octoprint-server', name: 'Ender', url: fake.url, version: 1 }, { id: src, z: 'tab', type: 'printhooks-octoprint', server: cfg, version: 1, wires: [[post]] }],
    credentials: { [cfg]: { apiKey: fake.apiKey } },
    connected: () => fake.authedSockets > 0,
    stop: () => fake.stop(),
  };
}

/**
 * A private copy of the built package (dist/, resources/, package.json), taken under the build lock, so
 * a build started elsewhere during a long run cannot pull files from under Node-RED.
 */
function snapshotPackage(into: string): string {
  const pkg = path.join(into, 'package');
  fs.mkdirSync(pkg, { recursive: true });
  // Builds first when dist/ is missing (a fresh clone); `npm run fuzz` has just built it.
  const copy = ['-c', `[ -d dist/nodes ] || node scripts/build.js; cp -r dist resources package.json ${JSON.stringify(pkg)}`];
  execFileSync('flock', ['/tmp/printhooks-build.lock', 'sh', ...copy], { cwd: repoRoot, stdio: 'inherit' });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  return pkg;
}

async function main(): Promise<void> {
  const rx = await new FakeReceiver().start();
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-fuzz-'));
  fs.mkdirSync(path.join(userDir, 'node_modules', '@printhooks'), { recursive: true });
  fs.symlinkSync(snapshotPackage(userDir), path.join(userDir, 'node_modules', '@printhooks', 'node-red-printhooks'), 'dir');
  const rigs: Partial<Record<FuzzSource, Rig>> = {};
  for (const source of SOURCES) rigs[source] = await rigFor(source, 'post');
  const flows = [
    { id: 'tab', type: 'tab', label: 'fuzz' },
    ...SOURCES.flatMap((s) => rigs[s]!.node),
    { id: 'post', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${rx.url}/events`, tls: '', persist: true, proxy: '', authType: '', senderr: false, headers: [], wires: [[]] },
  ];
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(Object.assign({}, ...SOURCES.map((s) => rigs[s]!.credentials))));
  const red = new NodeRedProcess({
    userDir,
    flows,
    label: `Node-RED ${LINE}`,
    line: LINE,
    nodeBinary: LINE === '5' ? node22() : undefined,
    settings: { printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 100 } },
  });
  try {
    await red.start();
    await storm(red, rx, rigs);
  } finally {
    // Also after a failure: no Node-RED is left behind.
    await red.stop();
    await rx.stop();
    for (const source of SOURCES) await rigs[source]!.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

/** The storm and the next job, source after source; exits non-zero on any exit or wrong next job. */
async function storm(red: NodeRedProcess, rx: FakeReceiver, rigs: Partial<Record<FuzzSource, Rig>>): Promise<void> {
  const events = (): JobEvent[] => rx.received.filter((r) => r.path === '/events').map((r) => JSON.parse(r.body.toString()) as JobEvent);
  const onlineFor = (source: FuzzSource) => events().some((e) => e.type === 'printer.online' && (e as { printer?: { kind?: string } }).printer?.kind === source);
  for (const source of SOURCES) await until(() => onlineFor(source), `${source} online`);
  console.log(`fuzz: ${FRAMES} frames per source, seed ${SEED}, Node-RED ${LINE === '5' ? '5.0' : '4.1'} as a process (pid ${red.pid})`);
  console.log('source     frames  frames/s  RSS before  RSS after  exits  non-UTF-8 text frames  next job');
  let failures = 0;
  for (const source of SOURCES) {
    const rig = rigs[source]!;
    const before = rssMb(red.pid);
    const ready = async () => {
      await until(() => rig.connected(), `${source} connected again`);
      await sleep(500);
    };
    const progress = (sent: number) => {
      if (sent % 10_000 === 0) process.stderr.write(`  ${source}: ${sent} frames sent\n`);
    };
    const result = await sendMalformedFrames(rig.target, { seed: SEED, frames: FRAMES, hugeFrames: Math.max(1, Math.round(FRAMES / 10_000)), invalidUtf8Every: 1000, progress, afterBreak: ready });
    const seen = rx.received.length;
    let problem: string | undefined = 'not run';
    if (alive(red.pid)) {
      await runNormalJob(rig.target, ready);
      const deadline = Date.now() + 30_000;
      const after = () => rx.received.slice(seen).filter((r) => r.path === '/events').map((r) => JSON.parse(r.body.toString()) as JobEvent);
      do {
        await sleep(100);
        problem = normalJobProblem(source, after());
      } while (problem && Date.now() < deadline);
    }
    const exits = alive(red.pid) ? 0 : 1;
    if (exits || problem) failures += 1;
    const rate = Math.round((result.sent / result.ms) * 1000);
    console.log(`${source.padEnd(10)} ${String(result.sent).padStart(6)}  ${String(rate).padStart(8)}  ${`${before} MB`.padStart(10)}  ${`${rssMb(red.pid)} MB`.padStart(9)}  ${String(exits).padStart(5)}  ${String(result.utf8Breaks).padStart(21)}  ${problem ?? 'reported exactly'}`);
    if (exits) console.log(red.output.slice(-3000));
  }
  const warnings = red.output.split('\n').filter((line) => line.includes('[warn]')).length;
  console.log(`Node-RED logged ${warnings} warning line(s); ${failures === 0 ? 'no crash' : `${failures} source(s) failed`}`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
