import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { launchChromium } from './support/browser';
import { NodeRedProcess, ensureBuilt } from './support/node-red-process';

describe('e2e: sender dialog in the real editor (Chromium, Node-RED 4.1)', function () {
  this.timeout(120000);
  let userDir: string;
  let rx: FakeReceiver;
  let red: NodeRedProcess;
  let browser: Browser;

  before(async () => {
    ensureBuilt();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-e2e-editor-'));
    rx = await new FakeReceiver().start();
    // the first delivery is rejected with an HTML body that would run script if rendered as HTML
    rx.reply({ status: 422, headers: { 'content-type': 'text/html' }, body: '<img src=x onerror="window.__pwned=1">rejected' });
    red = new NodeRedProcess({
      userDir,
      label: 'editor',
      settings: { editorTheme: { tours: false }, telemetry: { enabled: false, updateNotification: false } },
      flows: [
        { id: 'tab1', type: 'tab', label: 'e2e' },
        { id: 'ep', type: 'printhooks-endpoint', name: 'receiver', url: `${rx.url}/hook`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },
        { id: 'inj', type: 'inject', z: 'tab1', once: true, onceDelay: 0.2, repeat: '', topic: 'print.done', payload: '{"id":"evt_ui","type":"print.done"}', payloadType: 'json', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], x: 100, y: 80, wires: [['s1']] },
        { id: 's1', type: 'printhooks-sender', z: 'tab1', endpoint: 'ep', concurrency: 4, ordered: false, retrySchedule: '5,300', jitter: 0.2, overloadDelay: 60, version: 1, x: 300, y: 80, wires: [[], []] },
      ],
    });
    await red.start();
    await rx.waitFor(1, 20000);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await red?.stop();
    await rx?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('shows the delivery log as text, and its buttons send a test event and retry dead letters', async () => {
    const page = await browser.newPage();
    await page.goto(red.url);
    await page.waitForFunction(() => {
      const RED = (window as unknown as { RED?: { nodes?: { node(id: string): unknown } } }).RED;
      return !!RED?.nodes?.node('s1');
    }, undefined, { timeout: 60000 });
    const valid = await page.evaluate(() => (window as unknown as { RED: { nodes: { node(id: string): { valid: boolean } } } }).RED.nodes.node('s1').valid);
    assert.equal(valid, true, 'the deployed sender is valid in the editor');
    await page.evaluate(() => {
      const RED = (window as unknown as { RED: { editor: { edit(n: unknown): void }; nodes: { node(id: string): unknown } } }).RED;
      RED.editor.edit(RED.nodes.node('s1'));
    });
    await page.waitForSelector('#printhooks-sender-log tbody tr', { timeout: 20000 });
    const cells = await page.$$eval('#printhooks-sender-log tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
    assert.ok(cells.includes('evt_ui'));
    assert.ok(cells.includes('422'));
    assert.ok(cells.some((c) => c?.includes('<img src=x')), 'the response body is shown as text');
    assert.equal(await page.$$eval('#printhooks-sender-log img', (imgs) => imgs.length), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match(await page.textContent('#printhooks-sender-summary') ?? '', /dead letters 1/);

    await page.click('#printhooks-sender-test');
    await rx.waitFor(2, 10000);
    assert.equal(JSON.parse(rx.received[1].body.toString()).type, 'test');

    await page.click('#printhooks-sender-retry');
    await rx.waitFor(3, 10000);
    assert.equal(JSON.parse(rx.received[2].body.toString()).id, 'evt_ui');
    await page.close();
  });
});
