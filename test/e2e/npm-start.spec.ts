import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from './support/browser';
import { freePort } from './support/free-port';
import { ensureBuilt } from './support/node-red-process';

const root = path.resolve(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  base: string;
  userDir: string;
  output: () => string;
}

/** `npm start` as a user runs it (minus the build, which `npm test` already did), on a free port and a temp user dir. */
async function start(args: string[]): Promise<Started> {
  ensureBuilt();
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-start-'));
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.js'), '--no-build', ...args], {
    env: { ...process.env, PORT: String(port), PRINTHOOKS_USER_DIR: userDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + 90_000; // the first run may fetch Node 22 from the npm registry
  while (!/Open http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, base: `http://127.0.0.1:${port}`, userDir, output: () => output };
}

/** Every process below `pid` (Linux /proc), so a test can check that none outlives the stop. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const c of parents.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ctrl-C: SIGINT to the start script; resolves with its exit code. */
async function interrupt(started: Started): Promise<number | null> {
  const { child } = started;
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

async function cleanUp(started: Started | undefined): Promise<void> {
  if (!started) return;
  if (started.child.exitCode === null) {
    for (const pid of descendants(started.child.pid!)) process.kill(pid, 'SIGKILL');
    started.child.kill('SIGKILL');
  }
  fs.rmSync(started.userDir, { recursive: true, force: true });
}

describe('npm start: the demo (simulated printers → PrintHooks on Node-RED 5 → receiver page in Chromium)', function () {
  this.timeout(120_000);
  let demo: Started | undefined;

  before(async () => {
    demo = await start([]);
  });
  after(() => cleanUp(demo));

  it('lists deliveries from all three simulated printers with verified signatures within 60 s, and a forged one as rejected', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${demo!.base}/printhooks-demo`, { waitUntil: 'domcontentloaded' });
      for (const kind of ['octoprint', 'moonraker', 'bambu']) {
        await page.locator(`tr.delivery[data-kind="${kind}"][data-verified="true"]`).first().waitFor({ state: 'attached', timeout: 60_000 });
      }
      const first = page.locator('tr.delivery[data-verified="true"]').first();
      assert.match(await first.innerText(), /signature verified ✓/);
      assert.match(await first.locator('td.id').innerText(), /^evt_/, 'the webhook-id is the event id');
      assert.equal(await page.locator('tr.delivery[data-verified="false"]').count(), 0, 'every real delivery verifies');

      await page.locator('#forge').click();
      const forged = page.locator('tr.delivery[data-verified="false"]').first();
      await forged.waitFor({ state: 'attached', timeout: 10_000 });
      assert.match(await forged.innerText(), /rejected ✗ bad-signature/);
    } finally {
      await browser.close();
    }
  });

  it('deploys the real pipeline with its secrets only in the credentials file', async () => {
    const flows = (await (await fetch(`${demo!.base}/flows`)).json()) as Array<{ type: string }>;
    const types = new Set(flows.map((n) => n.type));
    for (const type of ['printhooks-octoprint', 'printhooks-moonraker', 'printhooks-bambu', 'printhooks-filter', 'printhooks-template', 'printhooks-signer', 'printhooks-sender', 'printhooks-verify']) {
      assert.ok(types.has(type), `the demo flow has ${type}`);
    }
    const dir = path.join(demo!.userDir, 'printhooks-demo');
    const saved = fs.readFileSync(path.join(dir, 'flows.json'), 'utf8');
    assert.doesNotMatch(saved, /whsec_|"credentials"|accessCode|apiKey/);
    assert.doesNotMatch(JSON.stringify(flows), /whsec_/);
    const creds = JSON.parse(fs.readFileSync(path.join(dir, 'flows_cred.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(typeof creds.$, 'string', 'credentials are stored encrypted');
    assert.doesNotMatch(demo!.output(), /whsec_/);
  });

  it('Ctrl-C stops Node-RED and the simulator, leaving no process behind', async () => {
    const below = descendants(demo!.child.pid!);
    assert.ok(below.length >= 2, `Node-RED and the simulator run below npm start (${below.length})`);
    assert.equal(await interrupt(demo!), 0);
    const deadline = Date.now() + 5_000;
    while (below.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(below.filter(alive), [], 'no process of npm start is left');
  });
});

describe('npm start -- --plain (an empty Node-RED 5 with the PrintHooks palette, real editor in Chromium)', function () {
  this.timeout(120_000);
  let plain: Started | undefined;

  before(async () => {
    plain = await start(['--plain']);
  });
  after(() => cleanUp(plain));

  it('loads every PrintHooks node type without error, with no demo flow and no simulator', async () => {
    const nodes = (await (await fetch(`${plain!.base}/nodes`, { headers: { Accept: 'application/json' } })).json()) as Array<{ module: string; types: string[]; err?: string }>;
    const ours = nodes.filter((n) => n.module === '@printhooks/node-red-printhooks');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.deepEqual(ours.flatMap((n) => n.types).sort(), Object.keys(pkg['node-red'].nodes).sort());
    for (const set of ours) assert.equal(set.err, undefined, `${set.types} failed to load: ${set.err}`);
    const flows = (await (await fetch(`${plain!.base}/flows`)).json()) as Array<{ type: string }>;
    assert.equal(flows.filter((n) => n.type.startsWith('printhooks-')).length, 0);
    assert.equal((await fetch(`${plain!.base}/printhooks-demo`)).status, 404);
    assert.equal(descendants(plain!.child.pid!).length, 1, 'only Node-RED runs below npm start');
  });

  it('offers every shipped example under Import ▸ Examples', async () => {
    const list = (await (await fetch(`${plain!.base}/library/examples/flows/@printhooks/node-red-printhooks`)).json()) as Array<{ fn?: string }>;
    const shipped = fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    assert.deepEqual(list.map((e) => e.fn).sort(), shipped.sort());
  });

  it('shows the printhooks palette category with the filter in the editor', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(plain!.base, { waitUntil: 'domcontentloaded' });
      const filter = page.locator(".red-ui-palette-node[data-palette-type='printhooks-filter']");
      await filter.waitFor({ state: 'attached', timeout: 60_000 });
      const category = await filter.evaluate((el) => el.closest('[id^="red-ui-palette-base-category-"]')?.id ?? el.closest('.red-ui-palette-category')?.id);
      assert.match(String(category), /printhooks/);
      if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, 'editor-palette.png') });

      // The shipped example opens in the filter's edit dialog with its choices shown.
      const example = fs.readFileSync(path.join(root, 'examples', 'Event filter - milestones and cooldown.json'), 'utf8');
      await page.evaluate((flow) => {
        const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
        RED.view.importNodes(JSON.parse(flow));
        let filterNode: unknown;
        RED.nodes.eachNode((n: { type: string }) => { if (n.type === 'printhooks-filter') filterNode = n; });
        RED.editor.edit(filterNode);
      }, example);
      const done = page.locator('#node-input-events-list input[data-event="print.done"]');
      await done.waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(await done.isChecked(), true);
      assert.equal(await page.locator('#node-input-events-list input[data-event="print.started"]').isChecked(), false);
      // print.done's group tick (the core's event groups, or the older "print." prefix group) is half ticked
      const group = (await done.getAttribute('data-in-group')) ?? 'print.';
      assert.equal(await page.locator(`#node-input-events-list input[data-group="${group}"]`).evaluate((el) => (el as HTMLInputElement).indeterminate), true);
      assert.equal(await page.locator('#node-input-rules-container .rule-path').inputValue(), 'job.file');
      assert.equal(await page.locator('#node-input-progressStep').inputValue(), '25');
      if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, 'filter-dialog.png') });
    } finally {
      await browser.close();
    }
  });

  it('ships the simulator in the repo but not in the npm package', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ files: Array<{ path: string }> }>;
    const files = packed[0].files.map((f) => f.path);
    assert.ok(files.some((f) => f.startsWith('dist/nodes/')), 'the package has the nodes');
    assert.deepEqual(files.filter((f) => f.startsWith('simulator/') || f.startsWith('scripts/') || f.startsWith('test/')), []);
    assert.ok(fs.existsSync(path.join(root, 'simulator', 'main.ts')));
  });

  it('takes its Node-RED down with it even when npm start itself is killed (kill -9)', async () => {
    const below = descendants(plain!.child.pid!);
    assert.equal(below.length, 1);
    const exited = new Promise((r) => plain!.child.once('exit', r));
    plain!.child.kill('SIGKILL');
    await exited;
    const deadline = Date.now() + 10_000;
    while (below.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(below.filter(alive), [], 'Node-RED stopped when its parent went away');
  });
});
