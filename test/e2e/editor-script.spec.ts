import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { EVENT_TYPES } from '../../src/event';
import { CHAT_DEFAULT_EVENTS, EVENT_GROUPS } from '../../src/filter/event-groups';
import { DEFAULT_SCHEDULE } from '../../src/delivery/retry-policy';
import { SCHEMES } from '../../src/sign/scheme';
import { PRESETS, PRESET_FIELDS } from '../../src/template/presets';
import { repoRoot } from './support/node-red-process';
import { useEditorRig } from './support/editor-rig';

const RESOURCES = 'resources/@printhooks/node-red-printhooks';

// The page's globals as these tests use them.
type EditorWindow = {
  RED: { editor: { edit(n: unknown): void }; nodes: { node(id: string): unknown } };
  PrintHooksEditor: Record<string, unknown> & { showTestResult(out: unknown, result: unknown): void };
  PrintHooksLists: unknown;
  $: (html: string) => { text(): string; css(name: string): string; appendTo(selector: string): unknown };
};

/** How many node .html files name the shared editor script (Node-RED loads it once for each). */
function editorsNamingScript(): number {
  const nodes = path.join(repoRoot, 'nodes');
  return fs.readdirSync(nodes).filter((type) => {
    const html = path.join(nodes, type, `${type}.html`);
    return fs.existsSync(html) && fs.readFileSync(html, 'utf8').includes(`${RESOURCES}/printhooks-editor.js`);
  }).length;
}

describe('e2e: the shared editor script in the real editor (Chromium, Node-RED 4.1)', function () {
  this.timeout(120000);
  const rig = useEditorRig({
    label: 'editor-script',
    flows: () => [
      { id: 'tab1', type: 'tab', label: 'e2e' },
      { id: 'f1', type: 'printhooks-filter', z: 'tab1', name: '', events: ['print.done', 'printer.bed_cooled'], rules: [], progressStep: 25, cooldown: 0, quietStart: '', quietEnd: '', timezone: '', quietMode: 'drop', version: 1, x: 200, y: 80, wires: [[]] },
      { id: 't1', type: 'printhooks-template', z: 'tab1', name: '', preset: 'custom', mode: 'placeholders', body: '{"a":"{{type}}"}', contentType: 'json', url: '', method: 'POST', headers: '', missing: 'drop', recipient: '', link: '', identifier: '', snapshot: false, snapshotTimeout: 5, secretsInMsg: false, version: 1, x: 200, y: 160, wires: [[]] },
      { id: 'v1', type: 'printhooks-verify', z: 'tab1', name: '', scheme: 'hmac-sha256', header: 'x-sig', encoding: 'hex', tolerance: 300, respond401: true, parseJson: true, version: 1, x: 200, y: 240, wires: [[], []] },
    ],
  });

  async function openEditor(page: Page): Promise<void> {
    await page.goto(rig.red.url);
    await page.waitForFunction(() => !!(window as unknown as Partial<EditorWindow>).RED?.nodes?.node('v1'), undefined, { timeout: 60000 });
  }

  async function openDialog(page: Page, id: string, selector: string): Promise<void> {
    await page.evaluate((nodeId) => {
      const { RED } = window as unknown as EditorWindow;
      RED.editor.edit(RED.nodes.node(nodeId));
    }, id);
    await page.waitForSelector(selector, { timeout: 20000 });
  }

  it('Node-RED serves both scripts from the package resources folder', async () => {
    for (const file of ['printhooks-editor.js', 'printhooks-lists.js']) {
      const res = await fetch(`${rig.red.url}/${RESOURCES}/${file}`);
      assert.equal(res.status, 200, file);
      assert.equal(await res.text(), fs.readFileSync(path.join(repoRoot, 'resources', file), 'utf8'));
    }
  });

  it('is loaded by every dialog that names it and defined once; loading it again changes nothing', async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await openEditor(page);
    const loads = await page.$$eval(`script[src$="${RESOURCES}/printhooks-editor.js"]`, (s) => s.length);
    assert.equal(loads, editorsNamingScript());
    assert.ok(loads > 1, 'Node-RED loaded it more than once');

    await page.evaluate(() => {
      const w = window as unknown as EditorWindow & { firstEditor: unknown; firstLists: unknown };
      w.firstEditor = w.PrintHooksEditor;
      w.firstLists = w.PrintHooksLists;
    });
    await page.addScriptTag({ url: `${rig.red.url}/${RESOURCES}/printhooks-editor.js` });
    await page.addScriptTag({ url: `${rig.red.url}/${RESOURCES}/printhooks-lists.js` });
    const same = await page.evaluate(() => {
      const w = window as unknown as EditorWindow & { firstEditor: unknown; firstLists: unknown };
      return [w.PrintHooksEditor === w.firstEditor, w.PrintHooksLists === w.firstLists];
    });
    assert.deepEqual(same, [true, true]);

    // and the dialogs still work after the second load
    await openDialog(page, 'v1', '#node-input-scheme');
    assert.deepEqual(await page.$$eval('#node-input-scheme option', (o) => o.map((x) => (x as HTMLOptionElement).value)), [...SCHEMES]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('scheme picker: the core\'s schemes, the saved one selected, header and encoding rows only where they apply', async () => {
    const page = await rig.browser.newPage();
    await openEditor(page);
    await openDialog(page, 'v1', '#node-input-scheme');
    assert.equal(await page.inputValue('#node-input-scheme'), 'hmac-sha256');
    assert.equal(await page.inputValue('#node-input-header'), 'x-sig');
    assert.equal(await page.isVisible('#node-input-encoding'), true);
    await page.selectOption('#node-input-scheme', 'token');
    assert.equal(await page.isVisible('#node-input-header'), true);
    assert.equal(await page.isVisible('#node-input-encoding'), false);
    await page.selectOption('#node-input-scheme', 'github');
    assert.equal(await page.isVisible('#node-input-header'), false);
    const checks = await page.evaluate(() => {
      const { RED } = window as unknown as { RED: { nodes: { getType(t: string): { defaults: { header: { validate(v: string): boolean } } } } } };
      const validate = RED.nodes.getType('printhooks-verify').defaults.header.validate;
      return ['', 'x-sig', 'X-Hub-Signature-256', 'bad header', 'x:y'].map((v) => validate(v));
    });
    assert.deepEqual(checks, [true, true, true, false, false]);
    await page.close();
  });

  it('filter: one tick per core event type, grouped, the saved ones ticked', async () => {
    const page = await rig.browser.newPage();
    await openEditor(page);
    await openDialog(page, 'f1', '#node-input-events-list input[data-event]');
    const boxes = await page.$$eval('#node-input-events-list input[data-event]', (inputs) =>
      inputs.map((i) => [(i as HTMLInputElement).dataset.event, (i as HTMLInputElement).checked]));
    // in the core's event groups (src/filter/event-groups.ts), every type once
    assert.deepEqual(boxes.map(([type]) => type), EVENT_GROUPS.flatMap((g) => g.types));
    assert.deepEqual([...boxes.map(([type]) => type)].sort(), [...EVENT_TYPES].sort());
    assert.deepEqual(boxes.filter(([, on]) => on).map(([type]) => type), ['print.done', 'printer.bed_cooled']);
    assert.deepEqual(await page.$$eval('#node-input-events-list input[data-group]', (g) => g.map((x) => (x as HTMLInputElement).dataset.group)), EVENT_GROUPS.map((g) => g.key));
    // the group tick sets its members; done saves them
    await page.check('#node-input-events-list input[data-group="groupState"]');
    await page.click('#node-dialog-ok');
    const saved = await page.evaluate(() => ((window as unknown as EditorWindow).RED.nodes.node('f1') as { events: string[] }).events);
    assert.deepEqual(saved, ['print.done', ...EVENT_GROUPS.find((g) => g.key === 'groupState')!.types]);
    // a filter dropped from the palette starts with the chat-friendly types (issue 15), version 2
    const fresh = await page.evaluate(() => {
      const defaults = (window as unknown as { RED: { nodes: { getType(t: string): { defaults: Record<string, { value: unknown }> } } } }).RED.nodes.getType('printhooks-filter').defaults;
      return { events: defaults.events.value, progressEvery: defaults.progressEvery.value, remainingBelow: defaults.remainingBelow.value, version: defaults.version.value };
    });
    assert.deepEqual(fresh, { events: [...CHAT_DEFAULT_EVENTS], progressEvery: 0, remainingBelow: 0, version: 2 });
    await page.close();
  });

  it('template: each preset shows exactly the rows of its core fields; the preview offers every event type', async () => {
    const page = await rig.browser.newPage();
    await openEditor(page);
    await openDialog(page, 't1', '#node-input-preset');
    assert.deepEqual(await page.$$eval('#node-printhooks-template-preview-type option', (o) => o.map((x) => (x as HTMLOptionElement).value)), [...EVENT_TYPES]);
    for (const [name, preset] of PRESETS) {
      await page.selectOption('#node-input-preset', name);
      const shown: string[] = [];
      for (const field of PRESET_FIELDS) if (await page.isVisible(`.printhooks-template-row-${field}`)) shown.push(field);
      assert.deepEqual(shown, PRESET_FIELDS.filter((f) => preset.fields.includes(f)), name);
    }
    await page.close();
  });

  it('a new sender gets the core\'s default retry schedule', async () => {
    const page = await rig.browser.newPage();
    await openEditor(page);
    const schedule = await page.evaluate(() => {
      const { RED } = window as unknown as { RED: { nodes: { getType(t: string): { defaults: { retrySchedule: { value: string } } } } } };
      return RED.nodes.getType('printhooks-sender').defaults.retrySchedule.value;
    });
    assert.equal(schedule, DEFAULT_SCHEDULE.join(','));
    await page.close();
  });

  it('Test-connection result line: message first, then the details that came, green or red; other shapes are a problem', async () => {
    const page = await rig.browser.newPage();
    await openEditor(page);
    const shown = await page.evaluate(() => {
      const w = window as unknown as EditorWindow;
      // inline callbacks only: a named function here would need a helper the page does not have
      return [
        { ok: true, message: 'Connected', version: '1.11.8', state: 'Operational' },
        { ok: false, message: 'The printer rejected the access code', problem: 'auth', model: 'X1C', fingerprint: 'ab12' },
        { ok: true, version: '1.11.8', state: 'Operational', user: 'alice' },
        '<img src=x onerror="window.__pwned=1">',
      ].map((result) => {
        const out = w.$('<div>');
        out.appendTo('body');
        w.PrintHooksEditor.showTestResult(out, result);
        return [out.text(), out.css('color')];
      });
    });
    assert.deepEqual(shown[0], ['Connected · version 1.11.8 · state Operational', 'rgb(0, 128, 0)']);
    assert.deepEqual(shown[1], ['The printer rejected the access code · model X1C · certificate SHA-256 ab12', 'rgb(204, 0, 0)']);
    assert.equal(shown[2][1], 'rgb(204, 0, 0)', 'the old answer shape is not taken for success');
    assert.match(shown[2][0], /^Problem: /);
    assert.match(shown[3][0], /^Problem: /);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.close();
  });
});
