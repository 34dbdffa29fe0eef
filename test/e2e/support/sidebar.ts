import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { FakeOctoPrint } from '../../fakes/octoprint/fake-octoprint';
import { FakeReceiver } from '../../fakes/receiver/receiver';

type RED = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the sidebar cases need from the spec that runs them (the add-on install e2e): its running Node-RED. */
export interface SidebarContext {
  page(): Page;
  fake(): FakeOctoPrint;
  userDir(): string;
  /** Stops Node-RED, starts it again on the same user dir and flows, and logs the page in again. */
  restart(): Promise<void>;
}

const PRINTER = 'Workshop Prusa';
const SENDER = 'Sidebar sender';

/** A printer on the fake OctoPrint, an unnamed source, and a sender to a loopback receiver that retries after 10 min. */
function sidebarFlow(fake: FakeOctoPrint, receiverUrl: string): object[] {
  return [
    { id: 'sb0000000000srv', type: 'printhooks-octoprint-server', name: PRINTER, url: fake.url, printerId: '', snapshotUrl: '', allowSelfSigned: false, offlineDelay: 30, bedCooled: 0, messagePrefix: '', version: 2, credentials: { apiKey: fake.apiKey } },
    { id: 'sb0000000000src', type: 'printhooks-octoprint', name: '', server: 'sb0000000000srv', includeRaw: false, version: 1, x: 160, y: 500, wires: [['sb000000000send']] },
    { id: 'sb00000000000ep', type: 'printhooks-endpoint', name: 'loopback receiver', url: `${receiverUrl}/hook?token=not-shown`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },
    { id: 'sb000000000send', type: 'printhooks-sender', name: SENDER, endpoint: 'sb00000000000ep', concurrency: 1, ordered: false, retrySchedule: '600,600', jitter: 0, overloadDelay: 600, version: 1, x: 420, y: 500, wires: [[], []] },
  ];
}

async function deploy(page: Page): Promise<void> {
  const deployed = page.waitForResponse((r) => /\/flows$/.test(r.url()) && r.request().method() === 'POST', { timeout: 30_000 });
  await page.locator('#red-ui-header-button-deploy').click();
  const confirm = page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
  await Promise.race([confirm.waitFor({ state: 'visible', timeout: 5_000 }).then(() => confirm.click()), deployed]).catch(() => undefined);
  assert.equal((await deployed).status(), 200);
}

async function openSidebar(page: Page): Promise<void> {
  // the tab exists once the plugin has loaded
  await page.waitForFunction(() => document.querySelector('#printhooks-sidebar') !== null, undefined, { timeout: 60_000 });
  // the editor may still pick its own first tab just after loading: ask until the PrintHooks tab stays shown
  for (let i = 0; i < 40; i += 1) {
    await page.evaluate(() => (window as unknown as { RED: RED }).RED.sidebar.show('printhooks'));
    await page.waitForTimeout(250);
    if (await page.locator('#printhooks-sidebar').isVisible()) break;
  }
  await page.locator('#printhooks-sidebar').waitFor({ state: 'visible', timeout: 5_000 });
}

/** Which attempts the sidebar lists: webhook id, attempt number and verdict of each row. */
async function attemptKeys(page: Page): Promise<string[]> {
  return page.$$eval('#printhooks-sidebar-attempts .printhooks-sidebar-attempt', (rows) => rows.map((r) => `${r.getAttribute('data-webhook')} #${r.getAttribute('data-attempt')} ${r.getAttribute('data-verdict')}`));
}

/** The texts of the sidebar's attempt rows, after it has been refreshed. */
async function attemptTexts(page: Page): Promise<string[]> {
  return page.$$eval('#printhooks-sidebar-attempts .printhooks-sidebar-attempt', (rows) => rows.map((r) => r.textContent ?? ''));
}

async function waitForText(page: Page, selector: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    last = await page.evaluate((s) => Array.from(document.querySelectorAll(s)).map((e) => e.textContent ?? '').join('\n'), selector);
    if (pattern.test(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`${selector} never matched ${pattern}; last text:\n${last}`);
}

async function refresh(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { PrintHooksSidebar: { refresh(): void } }).PrintHooksSidebar.refresh());
}

async function search(page: Page, text: string): Promise<string[]> {
  await page.locator('#printhooks-sidebar-search').fill(text);
  const answer = await page.waitForResponse((r) => r.url().includes('printhooks/log?') && r.url().includes(`q=${encodeURIComponent(text)}`), { timeout: 10_000 });
  assert.equal(answer.status(), 200);
  await page.waitForTimeout(100);
  return attemptTexts(page);
}

/** docs/images/sidebar.png: the editor with a wide sidebar scrolled to the test's printer (PRINTHOOKS_SIDEBAR_SCREENSHOT=<file>). */
async function screenshot(page: Page, file: string): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 1500 });
  await page.waitForTimeout(300);
  const separator = await page.locator('#red-ui-sidebar-separator').boundingBox();
  if (separator) {
    await page.mouse.move(separator.x + separator.width / 2, separator.y + 200);
    await page.mouse.down();
    await page.mouse.move(separator.x - 260, separator.y + 200, { steps: 5 });
    await page.mouse.up();
  }
  await search(page, '');
  await page.evaluate(() => {
    // hidden, not removed: Node-RED removes them itself when they time out
    document.querySelectorAll<HTMLElement>('.red-ui-notification').forEach((n) => { n.style.visibility = 'hidden'; });
    const RED = (window as unknown as { RED: RED }).RED;
    RED.view.select({ nodes: [] });
    // the examples' printers (no printer on their closed ports) come first: start the picture at this one
    document.querySelector('#printhooks-sidebar [data-printer="sb0000000000srv"]')?.scrollIntoView();
  });
  await page.waitForTimeout(300);
  await page.screenshot({ path: file });
}

/**
 * The PrintHooks sidebar in the running editor (docs/editor.md "Sidebar"): registered as mocha cases in
 * the describe of the spec that calls it, so they reuse its Node-RED and browser.
 */
export function sidebarCases(ctx: SidebarContext): void {
  let receiver: FakeReceiver;
  let mode: 'ok' | 'refuse' | 'busy' = 'ok';
  /** Script errors in the editor page while the sidebar runs: there must be none. */
  const pageErrors: string[] = [];

  before(async () => {
    receiver = await new FakeReceiver().start();
    receiver.answer((req) => {
      if (mode === 'refuse') return { status: 400, body: 'bad request: <b>not this one</b>' };
      if (mode === 'busy') return { status: 503, body: 'busy, come back later' };
      return { status: 200, headers: { 'content-type': 'text/html' }, body: `<script>alert(1)</script> thanks for ${JSON.parse(req.body.toString('utf8')).type}` };
    });
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'script errors in the editor');
  });

  after(async () => {
    await receiver?.stop();
  });

  it('the sidebar lists the fake printer, named after its server, and the source node carries that name', async () => {
    const page = ctx.page();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.evaluate((nodes) => (window as unknown as { RED: RED }).RED.view.importNodes(nodes), sidebarFlow(ctx.fake(), receiver.url));
    const chart = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
    await page.mouse.move(chart.x + 100, chart.y + 300);
    await page.mouse.click(chart.x + 120, chart.y + 320);
    const label = await page.evaluate(() => { const RED = (window as unknown as { RED: RED }).RED; return RED.utils.getNodeLabel(RED.nodes.node('sb0000000000src')); });
    assert.equal(label, PRINTER, 'an unnamed source shows its printer');
    await deploy(page);
    await openSidebar(page);
    const printer = await waitForText(page, '#printhooks-sidebar-printers', new RegExp(`${PRINTER}[\\s\\S]*(connected|online|operational|idle|ready)`, 'i'));
    assert.match(printer, /\(octoprint\)/);
    assert.match(printer, new RegExp(`sources: ${PRINTER}`));
  });

  it("a job on the printer reaches the receiver and shows in the sidebar: the printer's job and state, the attempt with its response as text", async () => {
    const page = ctx.page();
    let alerted = false;
    page.on('dialog', (dialog) => {
      alerted = true;
      void dialog.dismiss();
    });
    ctx.fake().startJob('benchy.gcode');
    await receiver.waitFor(1, 20_000);
    await refresh(page);
    await waitForText(page, '#printhooks-sidebar-printers', /state printing[\s\S]*job benchy\.gcode/);
    const attempts = await waitForText(page, '#printhooks-sidebar-attempts', /200 delivered · print\.started · Workshop Prusa/);
    assert.match(attempts, /<script>alert\(1\)<\/script> thanks for print\.started/, 'the response body is shown as text');
    assert.equal(alerted, false, 'no script from a response body ran');
    const senders = await waitForText(page, '#printhooks-sidebar-senders', /Sidebar sender\s*queued 0 · delivered [1-9]\d* · dead 0/);
    assert.match(senders, /http:\/\/127\.0\.0\.1:\d+\/hook/);
    assert.doesNotMatch(senders, /not-shown/, "the endpoint's query is not shown");
  });

  it('a refused delivery is a dead letter with its reason; Replay dead letters sends it again', async () => {
    const page = ctx.page();
    mode = 'refuse';
    const before = receiver.received.length;
    ctx.fake().cancelJob();
    await receiver.waitFor(before + 1, 20_000);
    await refresh(page);
    await waitForText(page, '#printhooks-sidebar-senders', /dead [12][\s\S]*✖ print\.(cancelled|failed) · Workshop Prusa/);
    mode = 'ok';
    const count = receiver.received.length;
    await page.locator('.printhooks-sidebar-replay').click();
    await receiver.waitFor(count + 1, 20_000);
    await refresh(page);
    await waitForText(page, '#printhooks-sidebar-senders', /queued 0 · delivered \d+ · dead 0/);
    const log = await waitForText(page, '#printhooks-sidebar-attempts', /200 delivered · print\.(cancelled|failed)[\s\S]*400 permanent · print\.(cancelled|failed)/);
    assert.match(log, /bad request: <b>not this one<\/b>/);
  });

  it('search finds attempts by event type, status and text', async () => {
    const page = ctx.page();
    const started = await search(page, 'print.started');
    assert.ok(started.length >= 1 && started.every((t) => t.includes('print.started')), started.join('\n'));
    const refused = await search(page, '400');
    assert.ok(refused.length >= 1 && refused.every((t) => /400 permanent/.test(t)), refused.join('\n'));
    assert.deepEqual(await search(page, 'no attempt has this text'), []);
    await search(page, '');
  });

  it('Retry now sends a queued msg that waits for its next attempt at once', async () => {
    const page = ctx.page();
    mode = 'busy';
    const before = receiver.received.length;
    ctx.fake().startJob('cube.gcode');
    await receiver.waitFor(before + 1, 20_000);
    await refresh(page);
    await waitForText(page, '#printhooks-sidebar-senders', /queued 1[\s\S]*next attempt in (9|10) min/);
    mode = 'ok';
    await page.locator('.printhooks-sidebar-retry-now').click();
    await receiver.waitFor(before + 2, 10_000);
    await refresh(page);
    await waitForText(page, '#printhooks-sidebar-senders', /queued 0/);
    await waitForText(page, '#printhooks-sidebar-attempts', /200 delivered · print\.started[\s\S]*503 retry · print\.started/);
    const shot = process.env.PRINTHOOKS_SIDEBAR_SCREENSHOT;
    if (shot) await screenshot(page, shot);
  });

  it('the delivery log is still there after a redeploy of the sender and after a Node-RED restart', async () => {
    let page = ctx.page();
    await search(page, 'Workshop Prusa');
    const before = await attemptKeys(page);
    assert.ok(before.length >= 4, before.join('\n'));
    await page.evaluate(() => {
      const RED = (window as unknown as { RED: RED }).RED;
      const sender = RED.nodes.node('sb000000000send');
      sender.name = 'Sidebar sender (redeployed)';
      sender.changed = true;
      sender.dirty = true;
      RED.nodes.dirty(true);
      RED.view.redraw();
    });
    await deploy(page);
    await waitForText(page, '#printhooks-sidebar-senders', /Sidebar sender \(redeployed\)/);
    // the source wired to the sender restarts too and may send printer.online again: the old attempts must all be there
    const redeployed = await search(page, 'Workshop Prusa');
    assert.ok(redeployed.every((t) => t.includes('Sidebar sender (redeployed)')), redeployed.join('\n'));
    const afterRedeploy = await attemptKeys(page);
    assert.deepEqual(before.filter((k) => !afterRedeploy.includes(k)), [], 'attempts lost by the redeploy');

    await ctx.restart();
    page = ctx.page();
    await openSidebar(page);
    await search(page, 'Workshop Prusa');
    const again = await attemptKeys(page);
    assert.deepEqual(afterRedeploy.filter((k) => !again.includes(k)), [], 'attempts lost by the restart');
    await waitForText(page, '#printhooks-sidebar-printers', new RegExp(`${PRINTER}[\\s\\S]*sources: ${PRINTER}`));
    // the spec moves the outbox into the user dir's outbox/ folder: the logs go along
    assert.ok(fs.existsSync(path.join(ctx.userDir(), 'outbox', 'delivery-log', 'sb000000000send.jsonl')), 'the log is beside the outboxes');
  });
}
