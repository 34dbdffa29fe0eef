import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { FakeOctoPrint } from '../fakes/octoprint/fake-octoprint';
import { ingressSettings, installLikeAddon, logIn, packPackage } from './support/addon';
import { launchChromium } from './support/browser';
import { loopbackFlow } from './support/loopback-examples';
import { node24 } from './support/node22';
import { ensureBuilt, NodeRedProcess } from './support/node-red-process';
import { sidebarCases } from './support/sidebar';

type RED = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type FlowNode = { id: string; type: string };
interface Status {
  id: string;
  type: string;
  fill?: string;
  text?: string;
}

const INGRESS = '/api/hassio_ingress/Xq3fJ8Ta0WmLcd1pUe7sNvRb5hKy2oZg/';
const USER = 'printhooks';
const PASSWORD = 'a test password';
const MODULE = '@printhooks/node-red-printhooks';
/** The statuses a user sees when the example waits for a secret that exports never carry. */
const ASKS_FOR_SECRET = /secret|access code|api key|token|password|credential/i;

/**
 * Whether a red status is one the examples allow: a secret to enter, or a source whose printer is not
 * there (the test moves the examples' addresses to a closed local port); that one must still name its
 * cause, not the node.
 */
function allowedRed(status: Status, sourceIds: Set<string>): boolean {
  const text = status.text ?? '';
  if (ASKS_FOR_SECRET.test(text)) return true;
  return sourceIds.has(status.id) && text.length > 0 && !text.startsWith('printhooks-');
}

function installed(userDir: string): string {
  return path.join(userDir, 'node_modules', ...MODULE.split('/'));
}

/** Every node type of the installed package, and which are config nodes (from their editor definition). */
function installedTypes(userDir: string): { type: string; config: boolean }[] {
  const root = installed(userDir);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return Object.entries(pkg['node-red'].nodes as Record<string, string>).map(([type, file]) => ({
    type,
    config: /category:\s*'config'/.test(fs.readFileSync(path.join(root, file.replace(/\.js$/, '.html')), 'utf8')),
  }));
}

function installedExamples(userDir: string): { file: string; flow: FlowNode[] }[] {
  const dir = path.join(installed(userDir), 'examples');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => ({ file, flow: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }));
}

/** Opens a node's dialog (a config node in its own tray), checks its labels, closes it. */
async function checkDialog(page: Page, id: string, type: string, config: boolean): Promise<void> {
  await page.evaluate(({ id, type, config }) => {
    const RED = (window as unknown as { RED: RED }).RED;
    if (config) RED.editor.editConfig('', type, id);
    else RED.editor.edit(RED.nodes.node(id));
  }, { id, type, config });
  const form = config ? '#node-config-dialog-edit-form' : '#dialog-form';
  await page.locator(`${form} label`).first().waitFor({ state: 'visible', timeout: 20_000 });
  const labels = await page.$$eval(`${form} .form-row label`, (els) => els.map((el) => (el.textContent ?? '').trim()).filter(Boolean));
  assert.ok(labels.length >= 1, `${type}: the dialog shows no labelled row`);
  const text = await page.$eval(form, (el) => el.textContent ?? '');
  assert.ok(!text.includes(`${type}.`), `${type}: the dialog shows a raw message key`);
  await page.evaluate(() => (window as unknown as { RED: RED }).RED.tray.close());
  await page.waitForFunction(() => document.querySelectorAll('.red-ui-tray').length === 0, undefined, { timeout: 10_000 });
}

for (const line of ['5', '4'] as const) {
  const title = line === '5' ? 'Node-RED 5.0 on Node.js 24' : `Node-RED 4.1 on Node.js ${process.versions.node.split('.')[0]}`;
  describe(`installed like the Home Assistant add-on, behind ingress with a login: ${title}`, function () {
    this.timeout(300_000);
    let work: string;
    let userDir: string;
    let red: NodeRedProcess;
    let browser: Browser;
    let page: Page;
    let fake: FakeOctoPrint;
    const notFound: string[] = [];

    before(async () => {
      ensureBuilt();
      work = fs.mkdtempSync(path.join(os.tmpdir(), `printhooks-addon-${line}-`));
      userDir = path.join(work, 'config');
      installLikeAddon(userDir, packPackage(work));
      fake = await new FakeOctoPrint().start();
      red = new NodeRedProcess({
        userDir,
        line,
        nodeBinary: line === '5' ? node24() : undefined,
        label: `add-on install ${title}`,
        settings: { ...ingressSettings(INGRESS, USER, PASSWORD), printhooks: { sender: { outboxDir: path.join(userDir, 'outbox') } } },
        flows: [{ id: 'addon-tab', type: 'tab', label: 'Examples' }],
      });
      await red.start(120_000);
      browser = await launchChromium();
      page = await browser.newPage();
      page.on('response', (r) => {
        if (r.status() === 404) notFound.push(r.url());
      });
      await logIn(page, `${red.url}${INGRESS}`, USER, PASSWORD);
    });

    after(async () => {
      await browser?.close();
      await red?.stop();
      await fake?.stop();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it('the tarball holds the built nodes and examples, and nothing from the dev tree', () => {
      const root = installed(userDir);
      assert.ok(fs.existsSync(path.join(root, 'examples')), 'examples/ packed');
      assert.ok(!fs.existsSync(path.join(root, 'test')) && !fs.existsSync(path.join(root, 'src')), 'test/ and src/ stay out of the package');
      assert.ok(!fs.existsSync(path.join(userDir, 'node_modules', 'node-red')), 'no dev dependency installed');
      assert.ok(fs.existsSync(path.join(userDir, 'node_modules', 'axios')), 'runtime dependencies installed');
      // pg-boss (the PostgreSQL store, docs/scale.md) is an optional peer: --omit=optional leaves it and pg out
      assert.ok(!fs.existsSync(path.join(userDir, 'node_modules', 'pg-boss')) && !fs.existsSync(path.join(userDir, 'node_modules', 'pg')), 'no pg-boss installed');
    });

    it('after logging in, the palette shows every printhooks node and the editor knows every config node, each by a label', async () => {
      await page.locator(".red-ui-palette-node[data-palette-type='printhooks-sender']").waitFor({ state: 'attached', timeout: 90_000 });
      for (const { type, config } of installedTypes(userDir)) {
        // the label the config sidebar and "Add new …" show: a name from the catalog, not the raw type
        const label = await page.evaluate((t) => { const RED = (window as unknown as { RED: RED }).RED; return RED.utils.getPaletteLabel(t, RED.nodes.getType(t)); }, type);
        assert.ok(label && !label.startsWith('printhooks-') && !label.includes('.paletteLabel'), `${type} shows as "${label}"`);
        if (config) {
          const category = await page.evaluate((t) => (window as unknown as { RED: RED }).RED.nodes.getType(t)?.category, type);
          assert.equal(category, 'config', `${type} is not registered in the editor`);
        } else {
          assert.equal(await page.locator(`.red-ui-palette-node[data-palette-type='${type}']`).count(), 1, `${type} missing from the palette`);
        }
      }
    });

    it('imports every shipped example without an id conflict', async () => {
      // the examples' printers and targets moved to 127.0.0.1 on a closed port: no traffic to the LAN or internet
      const examples = installedExamples(userDir).map(({ file, flow }) => ({ file, flow: loopbackFlow(flow) }));
      for (const { file, flow } of examples) {
        const before = await page.evaluate(() => { let n = 0; (window as unknown as { RED: RED }).RED.nodes.eachNode(() => { n++; }); (window as unknown as { RED: RED }).RED.nodes.eachConfig(() => { n++; }); return n; });
        // as Import does: the nodes hang on the mouse until a click places them
        await page.evaluate((nodes) => (window as unknown as { RED: RED }).RED.view.importNodes(nodes), flow);
        const chart = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
        await page.mouse.move(chart.x + 60, chart.y + 60);
        await page.mouse.click(chart.x + 80, chart.y + 80);
        for (const { id } of flow) {
          assert.ok(await page.evaluate((i) => Boolean((window as unknown as { RED: RED }).RED.nodes.node(i)), id), `${file}: ${id} was not imported under its own id`);
        }
        const after = await page.evaluate(() => { let n = 0; (window as unknown as { RED: RED }).RED.nodes.eachNode(() => { n++; }); (window as unknown as { RED: RED }).RED.nodes.eachConfig(() => { n++; }); return n; });
        assert.equal(after - before, flow.length, `${file}: not every node was imported`);
      }
      assert.ok(await page.evaluate(() => (window as unknown as { RED: RED }).RED.nodes.dirty()), 'the editor offers to deploy the import');
    });

    it('deploys the examples: no red status except where a secret must be entered, and no URL outside the prefix', async () => {
      const deployed = page.waitForResponse((r) => r.url() === `${red.url}${INGRESS}flows` && r.request().method() === 'POST', { timeout: 30_000 });
      await page.locator('#red-ui-header-button-deploy').click();
      // nodes that wait for a secret are not "properly configured": the editor asks once before deploying
      const confirm = page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
      await Promise.race([confirm.waitFor({ state: 'visible', timeout: 10_000 }).then(() => confirm.click()), deployed]).catch(() => undefined);
      assert.equal((await deployed).status(), 200);
      await page.waitForTimeout(5000); // sources try their printers, templates and signers check their config
      const statuses = await page.evaluate(() => {
        const out: Status[] = [];
        (window as unknown as { RED: RED }).RED.nodes.eachNode((n: FlowNode & { status?: { fill?: string; text?: string } }) => {
          if (n.type.startsWith('printhooks-')) out.push({ id: n.id, type: n.type, fill: n.status?.fill, text: n.status?.text });
        });
        return out;
      });
      assert.ok(statuses.length >= 10, `${statuses.length} printhooks nodes deployed`);
      // the signer example says it shows a red ring until a secret is added: the statuses did arrive
      const signers = statuses.filter((st) => st.type === 'printhooks-signer');
      assert.ok(signers.length > 0 && signers.every((st) => st.fill === 'red' && ASKS_FOR_SECRET.test(st.text ?? '')), JSON.stringify(signers));
      // a source is the node that names its printer's config node
      const sources = new Set(installedExamples(userDir).flatMap((e) => e.flow).filter((n) => 'server' in n || 'printer' in n).map((n) => n.id));
      const red_ = statuses.filter((s) => s.fill === 'red' && !allowedRed(s, sources));
      assert.deepEqual(red_, [], 'red statuses that neither ask for a secret nor come from an absent example printer');
      assert.deepEqual(notFound, [], 'requests that missed the ingress prefix');
      assert.doesNotMatch(red.output, /Uncaught|TypeError|ReferenceError/);
    });

    it('every node dialog opens with its labels', async () => {
      const all = installedExamples(userDir).flatMap((e) => e.flow);
      for (const { type, config } of installedTypes(userDir)) {
        const node = all.find((n) => n.type === type);
        assert.ok(node, `no shipped example has a ${type} whose dialog could be opened`);
        await checkDialog(page, node.id, type, config);
      }
    });

    it("an OctoPrint config node's Test connection answers through the ingress prefix", async () => {
      const id = await page.evaluate(() => { let found = ''; (window as unknown as { RED: RED }).RED.nodes.eachConfig((n: FlowNode) => { if (n.type === 'printhooks-octoprint-server') found = n.id; }); return found; });
      assert.ok(id, 'an imported example has an OctoPrint server');
      await page.evaluate((i) => (window as unknown as { RED: RED }).RED.editor.editConfig('', 'printhooks-octoprint-server', i), id);
      await page.locator('#printhooks-octoprint-server-test').waitFor({ state: 'visible', timeout: 20_000 });
      await page.locator('#node-config-input-url').fill(fake.url);
      await page.locator('#node-config-input-apiKey').fill(fake.apiKey);
      const answer = page.waitForResponse((r) => r.url().startsWith(`${red.url}${INGRESS}`) && r.request().method() === 'POST' && /octoprint/.test(r.url()), { timeout: 20_000 });
      await page.locator('#printhooks-octoprint-server-test').click();
      assert.equal((await answer).status(), 200);
      await page.waitForFunction(() => /Reachable|not|refused|failed/.test(document.querySelector('#printhooks-octoprint-server-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
      assert.equal(String(await page.locator('#printhooks-octoprint-server-result').textContent()), `Reachable · auth OK · OctoPrint ${fake.version} · printer Operational`);
      await page.evaluate(() => (window as unknown as { RED: RED }).RED.tray.close());
      await page.waitForFunction(() => document.querySelectorAll('.red-ui-tray').length === 0, undefined, { timeout: 10_000 });
    });

    // the PrintHooks sidebar, on this same install behind the prefix (docs/editor.md "Sidebar")
    sidebarCases({
      page: () => page,
      fake: () => fake,
      userDir: () => userDir,
      restart: async () => {
        await red.stop();
        // the flows as last deployed, not the ones the spec started with
        red.options.flows = JSON.parse(fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8'));
        await red.start(120_000);
        await logIn(page, `${red.url}${INGRESS}`, USER, PASSWORD);
        await page.locator(".red-ui-palette-node[data-palette-type='printhooks-sender']").waitFor({ state: 'attached', timeout: 90_000 });
      },
    });
  });
}
