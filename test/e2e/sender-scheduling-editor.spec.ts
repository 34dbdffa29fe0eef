import { strict as assert } from 'assert';
import type { Page } from 'playwright-core';
import { useSenderEditor } from './support/sender-editor-rig';

type EditorWindow = { RED: { nodes: { node(id: string): { valid: boolean } | null }; editor: { edit(n: unknown): void; editConfig(name: string, type: string, id: string): void } } };

describe('e2e: rate limit / health in the real editor (Chromium, Node-RED 4.1)', function () {
  this.timeout(120000);
  // the first attempt fails: the msg then waits an hour for its retry, until "Retry now"; the sender was saved
  // before the health output existed (two outputs, version 1)
  const rig = useSenderEditor({ label: 'sched-editor', firstReply: { status: 503 }, eventId: 'evt_sched', sender: { retrySchedule: '3600', jitter: 0 } });

  async function openEditor(): Promise<Page> {
    const page = await rig.browser.newPage();
    await page.goto(rig.red.url);
    await page.waitForFunction(() => !!(window as unknown as Partial<EditorWindow>).RED?.nodes?.node('s1'), undefined, { timeout: 60000 });
    return page;
  }

  it('the endpoint dialog keeps one URL field in view; rate limit and health sit in a collapsed section', async () => {
    const page = await openEditor();
    assert.equal(await page.evaluate(() => (window as unknown as EditorWindow).RED.nodes.node('ep')!.valid), true, 'an endpoint saved before the new fields stays valid');
    await page.evaluate(() => (window as unknown as EditorWindow).RED.editor.editConfig('', 'printhooks-endpoint', 'ep'));
    await page.waitForSelector('#node-config-input-url', { state: 'visible', timeout: 20000 });
    assert.equal(await page.isVisible('#node-config-input-rateLimit'), false, 'collapsed by default');
    assert.equal(await page.textContent('.printhooks-endpoint-advanced-health summary'), 'Advanced: rate limit / health');
    await page.click('.printhooks-endpoint-advanced-health summary');
    await page.waitForSelector('#node-config-input-rateLimit', { state: 'visible' });
    const choices = await page.$$eval('#node-config-input-rateLimit option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(choices, ['auto', 'discord', 'slack', 'telegram', 'teams', 'ntfy', 'pushover', 'custom', 'off']);
    assert.equal(await page.inputValue('#node-config-input-rateLimit'), 'auto');
    assert.equal(await page.isVisible('#node-config-input-rateRequests'), false, 'the figures only for custom');
    await page.selectOption('#node-config-input-rateLimit', 'custom');
    assert.equal(await page.isVisible('#node-config-input-rateRequests'), true);
    // saved before these fields existed: empty, the defaults shown as placeholders (and applied at runtime)
    assert.equal(await page.getAttribute('#node-config-input-breakerFailures', 'placeholder'), '5');
    assert.equal(await page.getAttribute('#node-config-input-disableAfter', 'placeholder'), '120');
    await page.close();
  });

  it('a sender saved with two outputs is valid and shows three ports; Retry now sends the waiting msg at once', async () => {
    const page = await openEditor();
    assert.equal(await page.evaluate(() => (window as unknown as EditorWindow).RED.nodes.node('s1')!.valid), true);
    assert.equal(await page.$$eval('#s1 .red-ui-flow-port-output', (ports) => ports.length).catch(() => -1), 3);
    await page.evaluate(() => {
      const RED = (window as unknown as EditorWindow).RED;
      RED.editor.edit(RED.nodes.node('s1'));
    });
    await page.waitForSelector('#printhooks-sender-retry-now', { state: 'visible', timeout: 20000 });
    assert.equal(await page.isVisible('#node-input-ttl'), true);
    await page.click('#printhooks-sender-retry-now');
    await rig.rx.waitFor(2, 10000);
    assert.equal(JSON.parse(rig.rx.received[1].body.toString()).id, 'evt_sched');
    await page.close();
  });
});
