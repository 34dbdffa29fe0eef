#!/usr/bin/env node
// Screenshots for docs/images, taken in Debian's Chromium through playwright-core (a dev dependency).
//
//   node scripts/screenshots.js     docs/images/demo-page.png: starts the demo (scripts/start.js --no-build, run
//                                   `npm run build` first) on a free port, waits until the receiver page lists
//                                   every kind of ending, sends one forged webhook, shoots, stops the demo
//
// Other scripts reuse screenshot(url, file, options) for their own pages.
'use strict';
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const root = path.resolve(__dirname, '..');

function chromium() {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: apt-get install chromium, or set CHROMIUM_PATH');
  return found;
}

/**
 * Opens `url` in headless Chromium and saves a PNG to `file`.
 * options: width/height (1280×800), `prepare(page)` run before the shot (wait for content, click…), fullPage.
 */
async function screenshot(url, file, options = {}) {
  const { chromium: playwright } = require('playwright-core');
  const browser = await playwright.launch({ executablePath: chromium(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: options.width || 1280, height: options.height || 800 }, deviceScaleFactor: options.scale || 1 });
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    if (options.prepare) await options.prepare(page);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file, fullPage: Boolean(options.fullPage) });
  } finally {
    await browser.close();
  }
  return file;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The demo page once it shows a full loop: every printer, a pause, a runout, a cancel, a failure, a forged webhook. */
async function demoPage(file) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-shot-'));
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'start.js'), '--no-build'], {
    env: { ...process.env, PORT: String(port), PRINTHOOKS_USER_DIR: userDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  try {
    const deadline = Date.now() + 90_000;
    while (!output.includes('Open http://')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the demo did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await screenshot(`http://127.0.0.1:${port}/printhooks-demo`, file, {
      height: 1000,
      prepare: async (page) => {
        for (const type of ['printer.attention', 'print.paused', 'print.cancelled', 'print.failed', 'print.done']) {
          await page.locator('td.type', { hasText: type }).first().waitFor({ state: 'attached', timeout: 120_000 });
        }
        await page.locator('#forge').click();
        await page.locator('tr.delivery[data-verified="false"]').first().waitFor({ state: 'attached', timeout: 10_000 });
        await page.waitForTimeout(300);
      },
    });
  } finally {
    const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    child.kill('SIGINT');
    await exited;
    fs.rmSync(userDir, { recursive: true, force: true });
  }
  return file;
}

module.exports = { screenshot, demoPage };

if (require.main === module) {
  demoPage(path.join(root, 'docs', 'images', 'demo-page.png')).then(
    (file) => console.log(`screenshots: ${path.relative(root, file)}`),
    (err) => {
      console.error(`screenshots: ${err instanceof Error ? err.message : err}`);
      process.exit(1);
    },
  );
}
