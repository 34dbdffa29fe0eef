// Issue 20, "done when": the delivery backend is chosen in the editor (the sender's Store field) and the
// PostgreSQL store's Test button checks the database. Node-RED 4.1 as a process, the editor in Chromium,
// a real PostgreSQL from test/support/postgres.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestDatabase, type TestDatabase } from '../support/postgres';
import { launchChromium } from './support/browser';
import { ensureBuilt, NodeRedProcess } from './support/node-red-process';

describe('PostgreSQL store in the editor (Node-RED 4.1 process, Chromium)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let red: NodeRedProcess;
  let userDir: string;

  before(async function () {
    this.timeout(90_000);
    ensureBuilt();
    db = await startTestDatabase('printhooks-editor');
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-pg-editor-'));
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ pg1: { user: db.user, password: db.password } }));
    red = new NodeRedProcess({
      userDir,
      label: 'postgres editor e2e',
      settings: { editorTheme: { tours: false }, telemetry: { enabled: false } },
      flows: [
        { id: 't1', type: 'tab', label: 'shared' },
        { id: 'pg1', type: 'printhooks-postgres', name: 'farm db', host: db.host, port: db.port, database: db.database, ssl: false, schema: 'editor', version: 1 },
        { id: 'ep', type: 'printhooks-endpoint', name: 'rx', url: 'http://127.0.0.1:9/hook', method: 'POST', timeout: 5, allowOverride: false, tlsInsecure: false, version: 1 },
        { id: 's1', z: 't1', type: 'printhooks-sender', endpoint: 'ep', store: 'pg1', concurrency: 4, ordered: false, retrySchedule: '1', jitter: 0, overloadDelay: 1, version: 2, x: 200, y: 80, wires: [[], []] },
      ],
    });
    await red.start(60_000);
  });

  after(async () => {
    await red?.stop();
    await db?.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('the sender dialog shows the chosen store; Test database reports the version, then a wrong password as a refused login', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(red.url, { waitUntil: 'domcontentloaded' });
      await page.locator(".red-ui-palette-node[data-palette-type='printhooks-sender']").waitFor({ state: 'attached', timeout: 60_000 });
      await page.waitForFunction(() => Boolean((window as unknown as { RED: any }).RED.nodes.node('s1')), undefined, { timeout: 30_000 }); // eslint-disable-line @typescript-eslint/no-explicit-any
      await page.evaluate(() => {
        const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
        RED.editor.edit(RED.nodes.node('s1'));
      });
      const store = page.locator('#node-input-store');
      await store.waitFor({ state: 'attached', timeout: 20_000 });
      assert.equal(await store.inputValue(), 'pg1', 'the sender\'s Store field names the PostgreSQL store');
      await page.evaluate(() => (window as unknown as { RED: any }).RED.tray.close()); // eslint-disable-line @typescript-eslint/no-explicit-any

      await page.evaluate(() => {
        const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
        RED.editor.editConfig('', 'printhooks-postgres', 'pg1');
      });
      const button = page.locator('#printhooks-postgres-test');
      const result = page.locator('#printhooks-postgres-result');
      await button.waitFor({ state: 'visible', timeout: 20_000 });
      await button.click();
      await page.waitForFunction(() => /PostgreSQL|database/.test(document.querySelector('#printhooks-postgres-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
      assert.match(String(await result.textContent()), /connected to PostgreSQL 1\d\.\d+; schema editor is writable/);

      await page.locator('#node-config-input-password').fill('not-the-password');
      await button.click();
      await page.waitForFunction(() => /refused the login/.test(document.querySelector('#printhooks-postgres-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
      assert.doesNotMatch(String(await result.textContent()), /not-the-password/);
    } finally {
      await browser.close();
    }
  });
});
