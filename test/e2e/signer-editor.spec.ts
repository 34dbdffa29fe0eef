import { strict as assert } from 'assert';
import type { Page } from 'playwright-core';
import { generateSecret, publicKeyFor } from '../../src/sign/keys';
import { DEFAULT_TOKEN_HEADER } from '../../src/sign/schemes/token';
import { useEditorRig } from './support/editor-rig';

type EditorWindow = { RED: { editor: { edit(n: unknown): void }; nodes: { node(id: string): unknown } } };

describe('e2e: signer and verify dialogs in the real editor (Chromium, Node-RED 4.1)', function () {
  this.timeout(120000);
  const whsk = generateSecret('standard-webhooks-ed25519');
  const rig = useEditorRig({
    label: 'signer-editor',
    credentials: () => ({ s1: { secrets: whsk } }),
    flows: () => [
      { id: 'tab1', type: 'tab', label: 'e2e' },
      { id: 's1', type: 'printhooks-signer', z: 'tab1', name: '', scheme: 'standard-webhooks-ed25519', header: '', encoding: 'base64', version: 1, x: 200, y: 80, wires: [[]] },
      { id: 'v1', type: 'printhooks-verify', z: 'tab1', name: '', scheme: 'standard-webhooks', header: '', encoding: 'base64', tolerance: 300, respond401: true, parseJson: true, version: 1, x: 200, y: 160, wires: [[], []] },
    ],
  });

  async function openDialog(page: Page, id: string): Promise<void> {
    await page.goto(rig.red.url);
    await page.waitForFunction((nodeId) => !!(window as unknown as Partial<EditorWindow>).RED?.nodes?.node(nodeId), id, { timeout: 60000 });
    await page.evaluate((nodeId) => {
      const { RED } = window as unknown as EditorWindow;
      RED.editor.edit(RED.nodes.node(nodeId));
    }, id);
    await page.waitForSelector('#node-input-scheme', { timeout: 20000 });
  }

  it('signer: shows the deployed public key, never the stored secret; Generate fills the scheme\'s format', async () => {
    const page = await rig.browser.newPage();
    const bodies: string[] = [];
    page.on('response', async (r) => {
      try {
        bodies.push(await r.text());
      } catch {
        // redirects and aborted requests have no body
      }
    });
    await openDialog(page, 's1');
    await page.waitForFunction((pk) => (document.querySelector('#printhooks-signer-publicKey') as HTMLInputElement | null)?.value === pk, publicKeyFor(whsk), { timeout: 10000 });
    assert.equal(await page.inputValue('#node-input-secrets'), '__PWRD__', 'a stored secret shows only as the placeholder');
    assert.equal(await page.isVisible('#node-input-header'), false);

    await page.click('#printhooks-signer-generate');
    await page.waitForFunction(() => /^whsk_/.test((document.querySelector('#node-input-secrets') as HTMLTextAreaElement).value), undefined, { timeout: 10000 });
    const generated = (await page.inputValue('#node-input-secrets')).split('\n')[0];
    assert.equal(await page.inputValue('#printhooks-signer-publicKey'), publicKeyFor(generated));

    await page.selectOption('#node-input-scheme', 'standard-webhooks');
    assert.equal(await page.isVisible('#printhooks-signer-publicKey'), false);
    await page.fill('#node-input-secrets', '');
    await page.click('#printhooks-signer-generate');
    await page.waitForFunction(() => /^whsec_[A-Za-z0-9+/]{43}=$/.test((document.querySelector('#node-input-secrets') as HTMLTextAreaElement).value), undefined, { timeout: 10000 });

    await page.selectOption('#node-input-scheme', 'token');
    assert.equal(await page.isVisible('#node-input-header'), true);
    assert.equal(await page.getAttribute('#node-input-header', 'placeholder'), DEFAULT_TOKEN_HEADER, 'the placeholder is the default header of the core');

    const stored = whsk.slice(5, 40);
    assert.ok(bodies.every((b) => !b.includes(stored)), 'no response carried the stored secret');
    assert.ok(!(await page.content()).includes(stored));
    await page.close();
  });

  it('verify: Generate for ed25519 keeps the public key and shows the secret key for the sender', async () => {
    const page = await rig.browser.newPage();
    await openDialog(page, 'v1');
    await page.selectOption('#node-input-scheme', 'standard-webhooks-ed25519');
    await page.click('#printhooks-verify-generate');
    await page.waitForFunction(() => /^whpk_/.test((document.querySelector('#node-input-secrets') as HTMLTextAreaElement).value), undefined, { timeout: 10000 });
    const forSender = await page.inputValue('#printhooks-verify-generated');
    assert.match(forSender, /^whsk_/);
    assert.equal(await page.inputValue('#node-input-secrets'), publicKeyFor(forSender));
    assert.equal(await page.inputValue('#node-input-tolerance'), '300');
    await page.close();
  });
});
