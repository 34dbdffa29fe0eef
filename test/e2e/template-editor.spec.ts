import { strict as assert } from 'assert';
import type { Page } from 'playwright-core';
import { useEditorRig } from './support/editor-rig';

type EditorWindow = { RED: { editor: { edit(n: unknown): void }; nodes: { node(id: string): unknown } } };

describe('e2e: template dialog and live preview in the real editor (Chromium, Node-RED 4.1)', function () {
  this.timeout(120000);
  const rig = useEditorRig({
    label: 'template-editor',
    flows: () => [
      { id: 'tab1', type: 'tab', label: 'e2e' },
      { id: 't2', type: 'printhooks-template', z: 'tab1', preset: 'custom', mode: 'placeholders', contentType: 'json', body: '{"broken": ', url: '', method: 'POST', headers: '[1]', missing: 'drop', version: 1, x: 300, y: 160, wires: [[]] },
      { id: 't1', type: 'printhooks-template', z: 'tab1', preset: 'custom', mode: 'placeholders', contentType: 'json', body: '{"file":"{{job.file}}","layer":"{{job.layer}}"}', url: '', method: 'POST', headers: '', missing: 'drop', recipient: '', link: '', identifier: '', snapshotTimeout: 5, version: 1, x: 300, y: 80, wires: [[]] },
    ],
  });

  async function openDialog(page: Page): Promise<void> {
    await page.goto(rig.red.url);
    await page.waitForFunction(() => !!(window as unknown as Partial<EditorWindow>).RED?.nodes?.node('t1'), undefined, { timeout: 60000 });
    await page.evaluate(() => {
      const { RED } = window as unknown as EditorWindow;
      RED.editor.edit(RED.nodes.node('t1'));
    });
    await page.waitForSelector('#node-input-preset', { timeout: 20000 });
  }

  it('renders the sample event as the fields change, and shows only the fields the preset uses', async () => {
    const page = await rig.browser.newPage();
    const failures: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
    });
    await openDialog(page);
    const validity = await page.evaluate(() => {
      const { RED } = window as unknown as { RED: { nodes: { node(id: string): { valid: boolean } } } };
      return [RED.nodes.node('t1').valid, RED.nodes.node('t2').valid];
    });
    assert.deepEqual(validity, [true, false], 'invalid JSON body / headers mark the node invalid in the editor');
    // the preview renders on open with the saved custom body
    await page.waitForFunction(() => /"file": "benchy.gcode"/.test(document.querySelector('#node-printhooks-template-preview')?.textContent ?? ''), undefined, { timeout: 10000 });
    await page.selectOption('#node-printhooks-template-preview-type', 'print.layer');
    await page.waitForFunction(() => /"layer": 2/.test(document.querySelector('#node-printhooks-template-preview')?.textContent ?? ''), undefined, { timeout: 10000 });

    await page.selectOption('#node-input-preset', 'telegram');
    assert.equal(await page.isVisible('#node-input-body'), false, 'the custom body is hidden for a preset');
    assert.equal(await page.isVisible('#node-input-recipient'), true);
    assert.equal(await page.getAttribute('#node-input-token', 'type'), 'password');
    await page.fill('#node-input-recipient', '4242');
    await page.waitForFunction(() => /"chat_id": 4242/.test(document.querySelector('#node-printhooks-template-preview')?.textContent ?? ''), undefined, { timeout: 10000 });
    const text = (await page.textContent('#node-printhooks-template-preview')) ?? '';
    assert.match(text, /^POST https:\/\/api\.telegram\.org\/botYOUR-TOKEN\/sendMessage/);

    await page.fill('#node-input-recipient', '');
    await page.waitForFunction(() => /Error: recipient: preset telegram needs/.test(document.querySelector('#node-printhooks-template-preview')?.textContent ?? ''), undefined, { timeout: 10000 });
    assert.deepEqual(failures, []);
    await page.close();
  });
});
