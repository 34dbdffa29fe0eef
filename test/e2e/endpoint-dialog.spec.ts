import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { FakeTokenServer } from '../fakes/oauth2/token-server';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { launchChromium } from './support/browser';
import { ensureBuilt, NodeRedProcess } from './support/node-red-process';

type RED = { editor: { editConfig(name: string, type: string, id: string): void }; nodes: { node(id: string): unknown } };

/**
 * The endpoint dialog in Chromium against Node-RED 4.1 as a process (docs/delivery.md, "Reaching guarded
 * targets"): the default dialog is Name + URL + method with its groups collapsed, a saved choice opens its
 * group, and Test reaches a loopback target through a loopback OAuth2 token server without showing a secret.
 */
describe('e2e: the endpoint dialog and its Test button (Chromium, Node-RED 4.1)', function () {
  this.timeout(120_000);
  let tokens: FakeTokenServer;
  let rx: FakeReceiver;
  let red: NodeRedProcess;
  let userDir: string;
  let browser: Browser;
  const seen: string[] = [];

  before(async () => {
    ensureBuilt();
    tokens = await new FakeTokenServer().start();
    rx = await new FakeReceiver().start();
    rx.answer((r) => (r.method === 'HEAD' || tokens.isIssued(r.headers.authorization as string) ? { status: tokens.isIssued(r.headers.authorization as string) ? 204 : 401 } : { status: 401 }));
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-e2e-endpoint-'));
    // credentialSecret false: Node-RED reads flows_cred.json as plain JSON
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({
      'ep-legacy': { token: 'SECRET-legacy-token-5d1' },
      'ep-oauth': { clientId: tokens.clientId, clientSecret: tokens.clientSecret },
    }));
    red = new NodeRedProcess({
      userDir,
      label: 'endpoint-dialog',
      settings: { editorTheme: { tours: false }, telemetry: { enabled: false, updateNotification: false } },
      flows: [
        { id: 't1', type: 'tab', label: 'e2e' },
        { id: 'ep-new', type: 'printhooks-endpoint', name: 'plain', url: `${rx.url}/plain`, method: 'POST', version: 2 },
        { id: 'ep-legacy', type: 'printhooks-endpoint', name: 'legacy', url: `${rx.url}/legacy`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },
        { id: 'ep-oauth', type: 'printhooks-endpoint', name: 'oauth', url: `${rx.url}/api/webhook/hook-id-77`, method: 'PUT', auth: 'oauth2', tokenUrl: tokens.url, scope: 'hooks', version: 2 },
      ],
    });
    await red.start();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await red?.stop();
    await rx?.stop();
    await tokens?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  async function open(id: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('response', async (r) => {
      try {
        seen.push(await r.text());
      } catch {
        // no body (redirect, aborted)
      }
    });
    await page.goto(red.url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction((nodeId) => Boolean((window as unknown as { RED?: RED }).RED?.nodes?.node(nodeId)), id, { timeout: 60_000 });
    await page.evaluate((nodeId) => (window as unknown as { RED: RED }).RED.editor.editConfig('', 'printhooks-endpoint', nodeId), id);
    await page.locator('#node-config-input-url').waitFor({ state: 'visible', timeout: 20_000 });
    return page;
  }
  const visible = (page: Page, field: string) => page.locator(`.printhooks-endpoint-row-${field}`).isVisible();

  it('a new endpoint shows Name, URL and method; the groups are collapsed; auth shows only its own fields', async () => {
    const page = await open('ep-new');
    for (const field of ['name', 'url', 'method']) assert.equal(await visible(page, field), true, field);
    if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, 'endpoint-dialog-default.png') });
    for (const field of ['auth', 'token', 'tokenUrl', 'ca', 'proxyMode', 'timeout', 'destinations', 'allowOverride']) assert.equal(await visible(page, field), false, field);
    assert.equal(await page.inputValue('#node-config-input-auth'), 'none');
    await page.locator('.printhooks-endpoint-group-auth > summary').click();
    assert.equal(await visible(page, 'auth'), true);
    assert.equal(await visible(page, 'token'), false);
    await page.selectOption('#node-config-input-auth', 'oauth2');
    for (const field of ['tokenUrl', 'clientId', 'clientSecret', 'scope', 'audience', 'clientAuth']) assert.equal(await visible(page, field), true, field);
    assert.equal(await visible(page, 'username'), false);
    await page.locator('.printhooks-endpoint-group-network > summary').click();
    assert.equal(await visible(page, 'proxy'), false, 'the proxy url only for "this proxy"');
    await page.selectOption('#node-config-input-proxyMode', 'url');
    assert.equal(await visible(page, 'proxy'), true);
    if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, 'endpoint-dialog-oauth2-proxy.png') });
    await page.close();
  });

  it('an endpoint saved before auth existed opens with bearer derived from its stored token, the secret not shown', async () => {
    const page = await open('ep-legacy');
    assert.equal(await page.inputValue('#node-config-input-auth'), 'bearer');
    assert.equal(await visible(page, 'token'), true, 'its group is open');
    assert.equal(await page.inputValue('#node-config-input-token'), '__PWRD__');
    await page.close();
  });

  it('Test: fetches the OAuth2 token with the stored secret, sends a HEAD and shows status, time and auth; the test event only when ticked', async () => {
    const page = await open('ep-oauth');
    const result = page.locator('#printhooks-endpoint-result');
    await page.locator('#printhooks-endpoint-test').click();
    await page.waitForFunction(() => !/^Testing|^$/.test(document.querySelector('#printhooks-endpoint-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
    const text = String(await result.textContent());
    assert.match(text, /^Reached http:\/\/127\.0\.0\.1:\d+: HTTP 204 to HEAD in \d+ ms · auth not refused · OAuth2 token fetched in \d+ ms, valid \d+ s$/);
    assert.equal(await result.evaluate((el) => getComputedStyle(el).color), 'rgb(0, 128, 0)');
    if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, 'endpoint-dialog-test.png') });
    const head = rx.received[rx.received.length - 1];
    assert.equal(head.method, 'HEAD');
    assert.ok(tokens.isIssued(head.headers.authorization as string));

    await page.check('#node-config-input-sendEvent');
    await page.locator('#printhooks-endpoint-test').click();
    await page.waitForFunction(() => /test event/.test(document.querySelector('#printhooks-endpoint-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
    const event = rx.received[rx.received.length - 1];
    assert.equal(event.method, 'PUT');
    assert.equal(JSON.parse(event.body.toString()).type, 'test');

    await page.fill('#node-config-input-clientSecret', 'SECRET-typed-wrong-2b');
    await page.uncheck('#node-config-input-sendEvent');
    await page.locator('#printhooks-endpoint-test').click();
    await page.waitForFunction(() => /invalid_client/.test(document.querySelector('#printhooks-endpoint-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
    assert.equal(await result.evaluate((el) => getComputedStyle(el).color), 'rgb(204, 0, 0)');

    const shown = seen.join('\n') + (await page.content());
    for (const secret of [tokens.clientSecret, 'SECRET-legacy-token-5d1', 'SECRET-typed-wrong-2b', ...tokens.issued]) assert.equal(shown.includes(secret), false, 'no secret reached the editor');
    assert.equal(shown.includes('hook-id-77') && /Reached[^\n]*hook-id-77/.test(shown), false, 'the webhook path is not repeated in the answer');
    await page.close();
  });
});
