import { strict as assert } from 'assert';
import { useSenderEditor } from './support/sender-editor-rig';

describe('e2e: sender dialog in the real editor (Chromium, Node-RED 4.1)', function () {
  this.timeout(120000);
  // the first delivery is rejected with an HTML body that would run script if rendered as HTML
  const rig = useSenderEditor({
    label: 'editor',
    firstReply: { status: 422, headers: { 'content-type': 'text/html' }, body: '<img src=x onerror="window.__pwned=1">rejected' },
    eventId: 'evt_ui',
    sender: { retrySchedule: '5,300', jitter: 0.2 },
  });

  it('shows the delivery log as text, and its buttons send a test event and retry dead letters', async () => {
    const page = await rig.browser.newPage();
    await page.goto(rig.red.url);
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
    await rig.rx.waitFor(2, 10000);
    assert.equal(JSON.parse(rig.rx.received[1].body.toString()).type, 'test');

    await page.click('#printhooks-sender-retry');
    await rig.rx.waitFor(3, 10000);
    assert.equal(JSON.parse(rig.rx.received[2].body.toString()).id, 'evt_ui');
    await page.close();
  });
});
