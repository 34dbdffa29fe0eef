import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { node22 } from './support/node22';
import { ensureBuilt, NodeRedProcess, repoRoot } from './support/node-red-process';

type Messages = Record<string, unknown>;
interface Rendered {
  attribute: string;
  text: string;
  placeholder: string | null;
}

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const types = Object.keys(pkg['node-red'].nodes as Record<string, string>).sort();
const configTypes = new Set(['printhooks-octoprint-server', 'printhooks-moonraker-server', 'printhooks-bambu-printer', 'printhooks-endpoint', 'printhooks-creality-printer', 'printhooks-prusalink-printer', 'printhooks-elegoo-printer', 'printhooks-postgres']);

function localeFile(type: string, ext: 'json' | 'html'): string {
  return fs.readFileSync(path.join(repoRoot, 'nodes', type, 'locales', 'en-US', `${type}.${ext}`), 'utf8');
}

function message(messages: Messages, key: string): string {
  const value = key.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Messages)[part] : undefined), messages);
  assert.equal(typeof value, 'string', `${key} missing from the catalog`);
  return value as string;
}

const withoutTags = (html: string): string => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();

/** The first sentence of a node's help file, as the sidebar shows it in text. */
function helpOpening(type: string): string {
  const paragraph = /<p>([\s\S]*?)<\/p>/.exec(localeFile(type, 'html'));
  assert.ok(paragraph, `${type} help has no paragraph`);
  return withoutTags(paragraph[1]).split('. ')[0];
}

/** One node of every type, not deployed: the dialogs only need them in the editor. */
function editorNodes(): object[] {
  return [
    { id: 'cfg-octoprint-server', type: 'printhooks-octoprint-server', name: 'O', url: 'http://127.0.0.1:9', offlineDelay: 30, bedCooled: 35, version: 1 },
    { id: 'cfg-moonraker-server', type: 'printhooks-moonraker-server', name: 'M', url: 'http://127.0.0.1:9', offlineDelay: 30, bedCooled: 35, version: 1 },
    { id: 'cfg-bambu-printer', type: 'printhooks-bambu-printer', name: 'B', host: '127.0.0.1', port: 8883, serial: '01P00A000000000', tls: 'pin', bedCooled: 35, version: 1 },
    { id: 'cfg-endpoint', type: 'printhooks-endpoint', name: 'E', url: 'http://127.0.0.1:9/hook', method: 'POST', timeout: 10, version: 1 },
    { id: 'n-octoprint', z: 'tab', type: 'printhooks-octoprint', server: 'cfg-octoprint-server', x: 150, y: 40, wires: [[]] },
    { id: 'n-moonraker', z: 'tab', type: 'printhooks-moonraker', server: 'cfg-moonraker-server', x: 150, y: 100, wires: [[]] },
    { id: 'n-bambu', z: 'tab', type: 'printhooks-bambu', printer: 'cfg-bambu-printer', x: 150, y: 160, wires: [[]] },
    { id: 'n-filter', z: 'tab', type: 'printhooks-filter', x: 350, y: 40, wires: [[]] },
    { id: 'n-template', z: 'tab', type: 'printhooks-template', preset: 'canonical', x: 350, y: 100, wires: [[]] },
    { id: 'n-signer', z: 'tab', type: 'printhooks-signer', scheme: 'standard-webhooks', x: 350, y: 160, wires: [[]] },
    { id: 'n-verify', z: 'tab', type: 'printhooks-verify', scheme: 'standard-webhooks', x: 550, y: 40, wires: [[], []] },
    { id: 'n-sender', z: 'tab', type: 'printhooks-sender', endpoint: 'cfg-endpoint', x: 550, y: 100, wires: [[], []] },
    { id: 'cfg-creality-printer', type: 'printhooks-creality-printer', name: 'C', host: '127.0.0.1', port: 9999, offlineDelay: 12, bedCooled: 35, version: 1 },
    { id: 'n-creality', z: 'tab', type: 'printhooks-creality', printer: 'cfg-creality-printer', x: 550, y: 160, wires: [[]] },
    { id: 'cfg-prusalink-printer', type: 'printhooks-prusalink-printer', name: 'P', url: 'http://127.0.0.1:9', pollInterval: 5, offlineDelay: 30, bedCooled: 35, version: 1 },
    { id: 'n-prusalink', z: 'tab', type: 'printhooks-prusalink', printer: 'cfg-prusalink-printer', x: 750, y: 40, wires: [[]] },
    { id: 'cfg-elegoo-printer', type: 'printhooks-elegoo-printer', name: 'EL', host: '127.0.0.1', model: 'cc', port: 3030, mainboardId: '', bedCooled: 35, version: 1 },
    { id: 'n-elegoo', z: 'tab', type: 'printhooks-elegoo', printer: 'cfg-elegoo-printer', x: 750, y: 100, wires: [[]] },
  ];
}

const idOf = (type: string): string => (configTypes.has(type) ? 'cfg-' : 'n-') + type.replace(/^printhooks-/, '');

async function openDialog(page: Page, type: string): Promise<void> {
  await page.evaluate(
    ({ type, id, config }) => {
      const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (config) RED.editor.editConfig('', type, id);
      else RED.editor.edit(RED.nodes.node(id));
    },
    { type, id: idOf(type), config: configTypes.has(type) },
  );
  const form = configTypes.has(type) ? '#node-config-dialog-edit-form' : '#dialog-form';
  await page.locator(`${form} [data-i18n]`).first().waitFor({ state: 'visible', timeout: 20_000 });
}

/** What every data-i18n element of the open dialog shows, with the key as the template wrote it. */
async function renderedDialog(page: Page, type: string): Promise<Rendered[]> {
  const form = configTypes.has(type) ? '#node-config-dialog-edit-form' : '#dialog-form';
  return page.$$eval(`${form} [data-i18n]`, (elements) =>
    elements.map((el) => ({
      // the editor prefixes each key with the node set's namespace: "<module>/<set>:key"
      attribute: (el.getAttribute('data-i18n') ?? '').replace(/(^|;)(\[[^\]]*\])?[^;:]*:/g, '$1$2'),
      text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
      placeholder: el.getAttribute('placeholder'),
    })),
  );
}

async function closeDialog(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { RED: { tray: { close(): void } } }).RED.tray.close());
  await page.waitForFunction(() => document.querySelectorAll('.red-ui-tray').length === 0, undefined, { timeout: 10_000 });
}

for (const line of ['4', '5'] as const) {
  describe(`editor locales in a real Node-RED ${line === '4' ? '4.1' : '5.0'} editor`, function () {
    this.timeout(180_000);
    let red: NodeRedProcess;
    let userDir: string;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let page: Page;

    before(async () => {
      ensureBuilt();
      userDir = fs.mkdtempSync(path.join(os.tmpdir(), `printhooks-locales-${line}-`));
      red = new NodeRedProcess({
        userDir,
        label: `locales e2e ${line}`,
        line,
        nodeBinary: line === '5' ? node22() : undefined,
        settings: { editorTheme: { tours: false }, telemetry: { enabled: false } },
        flows: [{ id: 'tab', type: 'tab', label: 'Locales' }],
      });
      await red.start(90_000);
      browser = await launchChromium();
      const context = await browser.newContext({ locale: 'en-US' });
      page = await context.newPage();
      await page.goto(red.url, { waitUntil: 'domcontentloaded' });
      await page.locator(".red-ui-palette-node[data-palette-type='printhooks-filter']").waitFor({ state: 'attached', timeout: 60_000 });
      await page.evaluate((nodes) => {
        const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
        RED.view.importNodes(nodes);
      }, editorNodes());
    });

    after(async () => {
      await browser?.close();
      await red?.stop();
      if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
    });

    it('the palette shows the catalog labels', async () => {
      for (const type of types.filter((t) => !configTypes.has(t))) {
        const expected = message(JSON.parse(localeFile(type, 'json')), `${type}.paletteLabel`);
        const label = await page.locator(`.red-ui-palette-node[data-palette-type='${type}'] .red-ui-palette-label`).textContent();
        // long labels are wrapped over lines in the palette
        assert.equal(label?.replace(/\s+/g, ' ').trim(), expected, `${type} palette label`);
      }
    });

    for (const type of types) {
      it(`${type}: the dialog shows its English labels and placeholders, the sidebar its help`, async () => {
        const messages = JSON.parse(localeFile(type, 'json')) as Messages;
        await openDialog(page, type);
        try {
          const rendered = await renderedDialog(page, type);
          assert.ok(rendered.length >= 3, `only ${rendered.length} translated elements in the dialog`);
          for (const { attribute, text, placeholder } of rendered) {
            for (const part of attribute.split(';')) {
              const [, target, key] = /^(?:\[([^\]]+)\])?(.+)$/.exec(part) as RegExpExecArray;
              const english = message(messages, key);
              if (target === 'placeholder') assert.equal(placeholder, english, `${key} placeholder`);
              else if (target === 'html') assert.equal(text, withoutTags(english), `${key} (html)`);
              else assert.equal(text, english, key);
            }
          }
          // also what the dialog's own script wrote (generated ticks, options, placeholders)
          const shown = await page.$eval(configTypes.has(type) ? '#node-config-dialog-edit-form' : '#dialog-form', (form) =>
            [form.textContent ?? '', ...Array.from(form.querySelectorAll('[placeholder]'), (el) => el.getAttribute('placeholder') ?? '')].join(' '));
          assert.ok(!shown.includes(`${type}.`), `the ${type} dialog shows a raw key: ${/\S*printhooks-[\w.-]+/.exec(shown)?.[0]}`);
          if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, `locales-${line}-${type}.png`) });
        } finally {
          await closeDialog(page);
        }

        await page.evaluate((t) => (window as unknown as { RED: any }).RED.sidebar.help.show(t), type); // eslint-disable-line @typescript-eslint/no-explicit-any
        const opening = helpOpening(type);
        await page.waitForFunction(
          (text) => Array.from(document.querySelectorAll('.red-ui-help .red-ui-text-bidi-aware')).some((el) => (el.textContent ?? '').replace(/\s+/g, ' ').includes(text)),
          opening,
          { timeout: 10_000 },
        );
      });
    }
  });
}
