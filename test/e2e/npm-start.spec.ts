import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from './support/browser';
import { freePort } from './support/free-port';

const root = path.resolve(__dirname, '..', '..');

/** `npm start` as a user runs it (minus the build, which `npm test` already did). */
describe('npm start (Node-RED 4.1 as a process, real editor in Chromium)', function () {
  this.timeout(120_000);
  let child: ChildProcess;
  let base: string;
  let userDir: string;

  before(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-start-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(root, 'scripts', 'start.js'), '--no-build'], {
      env: { ...process.env, PORT: String(port), PRINTHOOKS_USER_DIR: userDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const res = await fetch(`${base}/settings`);
        if (res.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`Node-RED did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('loads every PrintHooks node type without error', async () => {
    const nodes = (await (await fetch(`${base}/nodes`, { headers: { Accept: 'application/json' } })).json()) as Array<{ module: string; types: string[]; err?: string; enabled: boolean }>;
    const ours = nodes.filter((n) => n.module === '@printhooks/node-red-printhooks');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.deepEqual(ours.flatMap((n) => n.types).sort(), Object.keys(pkg['node-red'].nodes).sort());
    for (const set of ours) assert.equal(set.err, undefined, `${set.types} failed to load: ${set.err}`);
  });

  it('offers every shipped example under Import ▸ Examples', async () => {
    const list = (await (await fetch(`${base}/library/examples/flows/@printhooks/node-red-printhooks`)).json()) as Array<{ fn?: string }>;
    const shipped = fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    assert.deepEqual(list.map((e) => e.fn).sort(), shipped.sort());
  });

  it('shows the printhooks palette category with the filter in the editor', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(base, { waitUntil: 'domcontentloaded' });
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
      assert.equal(await page.locator('#node-input-events-list input[data-group="print."]').evaluate((el) => (el as HTMLInputElement).indeterminate), true);
      assert.equal(await page.locator('#node-input-rules-container .rule-path').inputValue(), 'job.file');
      assert.equal(await page.locator('#node-input-progressStep').inputValue(), '25');
      if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, 'filter-dialog.png') });
    } finally {
      await browser.close();
    }
  });
});
