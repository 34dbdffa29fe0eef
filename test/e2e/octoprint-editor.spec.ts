import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeOctoPrint } from '../fakes/octoprint/fake-octoprint';
import { launchChromium } from './support/browser';
import { ensureBuilt, NodeRedProcess } from './support/node-red-process';

async function waitFor(condition: () => boolean, label: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Node-RED 4.1 as a process with an OctoPrint config + source against the fake; the editor in Chromium. */
describe('OctoPrint in a real Node-RED process and editor', function () {
  this.timeout(120_000);
  let fake: FakeOctoPrint;
  let red: NodeRedProcess;
  let userDir: string;

  before(async () => {
    ensureBuilt();
    fake = await new FakeOctoPrint({ prefix: '/octoprint' }).start();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-octoprint-'));
    // credentialSecret false: Node-RED reads flows_cred.json as plain JSON, as written here.
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ srv: { apiKey: fake.apiKey } }));
    red = new NodeRedProcess({
      userDir,
      label: 'octoprint e2e',
      // No welcome tour and no update-notification prompt: either would sit over the dialog.
      settings: { editorTheme: { tours: false }, telemetry: { enabled: false } },
      flows: [
        { id: 't1', type: 'tab', label: 'OctoPrint' },
        { id: 'srv', type: 'printhooks-octoprint-server', name: 'Fake', url: fake.url, offlineDelay: 30, version: 1 },
        { id: 's1', z: 't1', type: 'printhooks-octoprint', server: 'srv', includeRaw: false, version: 1, x: 120, y: 80, wires: [[]] },
      ],
    });
    await red.start();
  });

  after(async () => {
    await red?.stop();
    await fake?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('the deployed flow opens one authenticated socket with the stored credential', async () => {
    await waitFor(() => fake.authedSockets === 1, 'an authenticated socket from the Node-RED process');
    assert.equal(fake.socketsAccepted, 1);
    assert.ok(!fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8').includes(fake.apiKey), 'the key is not in flows.json');
  });

  it('Test connection in the config dialog reports version and state, then the exact problem for a wrong key', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(red.url, { waitUntil: 'domcontentloaded' });
      await page.locator(".red-ui-palette-node[data-palette-type='printhooks-octoprint']").waitFor({ state: 'attached', timeout: 60_000 });
      // the palette shows before the deployed flow is loaded: editing 'srv' earlier would open a new, empty node
      await page.waitForFunction(() => Boolean((window as unknown as { RED: any }).RED.nodes.node('srv')), undefined, { timeout: 30_000 }); // eslint-disable-line @typescript-eslint/no-explicit-any
      await page.evaluate(() => {
        const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
        RED.editor.editConfig('', 'printhooks-octoprint-server', 'srv');
      });
      const button = page.locator('#printhooks-octoprint-server-test');
      const result = page.locator('#printhooks-octoprint-server-result');
      await button.waitFor({ state: 'visible', timeout: 20_000 });
      await button.click();
      // the shared result line (docs/editor.md): the route's message, then version and state, green
      await page.waitForFunction(() => !/^Testing/.test(document.querySelector('#printhooks-octoprint-server-result')?.textContent || 'Testing'), undefined, { timeout: 20_000 });
      assert.match(String(await result.textContent()), /^Reachable · auth OK · OctoPrint 1\.11\.8 · printer Operational$/);
      assert.equal(await result.evaluate((el) => getComputedStyle(el).color), 'rgb(0, 128, 0)');

      await page.locator('#node-config-input-apiKey').fill('not-the-key');
      await button.click();
      await page.waitForFunction(() => /rejected/.test(document.querySelector('#printhooks-octoprint-server-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
      assert.match(String(await result.textContent()), /API key rejected/);
      assert.equal(await result.evaluate((el) => getComputedStyle(el).color), 'rgb(204, 0, 0)');
      if (process.env.PRINTHOOKS_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.PRINTHOOKS_SCREENSHOTS, 'octoprint-test-connection.png') });
    } finally {
      await browser.close();
    }
  });

  it('stopping Node-RED closes the socket', async () => {
    await red.stop();
    await waitFor(() => fake.openSockets === 0, 'socket closed', 5000);
  });
});
