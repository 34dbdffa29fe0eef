import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { repoRoot } from './support/node-red-process';

const iconsDir = path.join(repoRoot, 'icons');

/** Where a palette icon draws, as Chromium renders it white on a dark node colour (bounding box of light pixels). */
async function drawnBox(browser: Browser, svg: string): Promise<{ width: number; height: number }> {
  const page = await browser.newPage();
  try {
    await page.setContent(`<body style="margin:0;background:#000"><img id="i" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" width="40" height="60"></body>`);
    await page.locator('#i').evaluate((img: HTMLImageElement) => img.decode());
    return await page.evaluate(() => {
      const img = document.getElementById('i') as HTMLImageElement;
      const canvas = document.createElement('canvas');
      canvas.width = 40;
      canvas.height = 60;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0, 40, 60);
      const { data } = ctx.getImageData(0, 0, 40, 60);
      let minX = 40, minY = 60, maxX = -1, maxY = -1;
      for (let y = 0; y < 60; y++) {
        for (let x = 0; x < 40; x++) {
          if (data[(y * 40 + x) * 4 + 3] > 128) {
            minX = Math.min(minX, x); maxX = Math.max(maxX, x);
            minY = Math.min(minY, y); maxY = Math.max(maxY, y);
          }
        }
      }
      return { width: maxX - minX + 1, height: maxY - minY + 1 };
    });
  } finally {
    await page.close();
  }
}

/** Palette icons draw a figure, not a line (the Moonraker icon once rendered as an underscore). */
describe('palette icons as Chromium renders them', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => { browser = await launchChromium(); });
  after(async () => { await browser?.close(); });

  for (const file of fs.readdirSync(iconsDir).filter((f) => f.endsWith('.svg'))) {
    it(`${file} draws a figure at least a third of the icon high and wide`, async () => {
      const box = await drawnBox(browser, fs.readFileSync(path.join(iconsDir, file), 'utf8'));
      assert.ok(box.height >= 20 && box.width >= 13, `${file} draws only ${box.width}×${box.height} px of 40×60`);
    });
  }
});
