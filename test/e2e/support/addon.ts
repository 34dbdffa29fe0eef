import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './node-red-process';

// The Home Assistant Node-RED add-on, as far as a package sees it (docs/home-assistant.md): it installs
// npm_packages with `npm install --omit=dev --omit=optional` and serves the editor under an ingress path.

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm pack` of the built package into `dir`; returns the tarball's path. */
export function packPackage(dir: string): string {
  const pack = [npm, 'pack', '--json', '--pack-destination', dir];
  // a shared working tree builds under this lock (dist/ is rewritten while a build runs)
  const locked = fs.existsSync('/usr/bin/flock') ? ['/usr/bin/flock', '/tmp/printhooks-build.lock', ...pack] : pack;
  const out = execFileSync(locked[0], locked.slice(1), { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
  return path.join(dir, filename);
}

/** Installs the tarball into a fresh user dir the way the add-on installs its npm_packages. */
export function installLikeAddon(userDir: string, tarball: string): void {
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
  execFileSync(npm, ['install', '--omit=dev', '--omit=optional', '--no-audit', '--no-fund', tarball], { cwd: userDir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Settings like the add-on's behind ingress, with the editor login on (the add-on leaves that to Home Assistant). */
export function ingressSettings(prefix: string, username: string, password: string): Record<string, unknown> {
  // node-red ships bcryptjs for adminAuth; its hash is what a settings.js would hold
  const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('node-red/package.json'))] })) as { hashSync(s: string, rounds: number): string };
  return {
    httpAdminRoot: prefix,
    httpNodeRoot: `${prefix}endpoint/`,
    adminAuth: { type: 'credentials', users: [{ username, password: bcrypt.hashSync(password, 8), permissions: '*' }] },
    editorTheme: { tours: false },
    telemetry: { enabled: false, updateNotification: false },
  };
}

/** Opens the editor at `url` and logs in through its login dialog. */
export async function logIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('#node-dialog-login-username').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('#node-dialog-login-username').fill(username);
  await page.locator('#node-dialog-login-password').fill(password);
  await page.locator('#node-dialog-login-submit').click();
}
