import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { launchChromium } from './support/browser';
import { ensureBuilt, NodeRedProcess } from './support/node-red-process';

async function waitFor(condition: () => boolean, label: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Node-RED 4.1 as a process with a Moonraker config + source against the fake; the editor in Chromium. */
describe('Moonraker in a real Node-RED process and editor', function () {
  this.timeout(120_000);
  const apiKey = 'e2e-moonraker-key';
  let fake: FakeMoonraker;
  let red: NodeRedProcess;
  let userDir: string;

  before(async () => {
    ensureBuilt();
    fake = new FakeMoonraker({ apiKey });
    await fake.listen();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-moonraker-'));
    // credentialSecret false: Node-RED reads flows_cred.json as plain JSON, as written here.
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ srv: { apiKey } }));
    red = new NodeRedProcess({
      userDir,
      label: 'moonraker e2e',
      settings: { editorTheme: { tours: false }, telemetry: { enabled: false } },
      flows: [
        { id: 't1', type: 'tab', label: 'Moonraker' },
        { id: 'srv', type: 'printhooks-moonraker-server', name: 'Fake', url: fake.url, offlineDelay: 30, version: 1 },
        { id: 's1', z: 't1', type: 'printhooks-moonraker', server: 'srv', includeRaw: false, version: 1, x: 120, y: 80, wires: [[]] },
      ],
    });
    await red.start();
  });

  after(async () => {
    await red?.stop();
    await fake?.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('the deployed flow identifies and subscribes with the stored key, which stays out of flows.json', async () => {
    await waitFor(() => fake.count('printer.objects.subscribe') === 1, 'a subscription from the Node-RED process');
    assert.equal(fake.upgrades, 1);
    assert.ok(fake.subscribedObjects()?.includes('print_stats'));
    assert.ok(!fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8').includes(apiKey), 'the key is not in flows.json');
  });

  it('Test connection in the config dialog reports version and Klippy state, then the exact problem for a wrong key', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(red.url, { waitUntil: 'domcontentloaded' });
      await page.locator(".red-ui-palette-node[data-palette-type='printhooks-moonraker']").waitFor({ state: 'attached', timeout: 60_000 });
      // the palette shows before the deployed flow is loaded: editing 'srv' earlier would open a new, empty node
      await page.waitForFunction(() => Boolean((window as unknown as { RED: any }).RED.nodes.node('srv')), undefined, { timeout: 30_000 }); // eslint-disable-line @typescript-eslint/no-explicit-any
      await page.evaluate(() => {
        const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
        RED.editor.editConfig('', 'printhooks-moonraker-server', 'srv');
      });
      const button = page.locator('#printhooks-moonraker-server-test');
      const result = page.locator('#printhooks-moonraker-server-result');
      await button.waitFor({ state: 'visible', timeout: 20_000 });
      await button.click();
      await page.waitForFunction(() => /Moonraker|ws:/.test(document.querySelector('#printhooks-moonraker-server-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
      // the shared result line (docs/editor.md): the route's message, then version and state
      assert.equal(await result.textContent(), `Reachable · auth OK · Moonraker ${fake.version} · printer ready`);

      await page.locator('#node-config-input-apiKey').fill('not-the-key');
      await button.click();
      await page.waitForFunction(() => /unauthorized/.test(document.querySelector('#printhooks-moonraker-server-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
      assert.match(String(await result.textContent()), /unauthorized \(HTTP 401\): check the API key/);
      if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, 'moonraker-test-connection.png') });
    } finally {
      await browser.close();
    }
  });

  it('stopping Node-RED closes the websocket', async () => {
    await red.stop();
    await waitFor(() => fake.clientCount === 0, 'socket closed', 5000);
  });
});
