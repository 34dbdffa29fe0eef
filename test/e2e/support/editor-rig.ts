import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { NodeRedProcess, ensureBuilt } from './node-red-process';

export interface EditorRig {
  readonly red: NodeRedProcess;
  readonly browser: Browser;
  readonly userDir: string;
}

export interface EditorRigOptions {
  /** Names the Node-RED process and its temporary user folder. */
  label: string;
  /** The flows Node-RED starts with (called once the `prepare` step has run, so it may use what that started). */
  flows: () => object[];
  /** Node credentials by node id, written as flows_cred.json (credentialSecret is false in these tests: plain JSON). */
  credentials?: () => Record<string, unknown>;
  /** Runs first (fakes the flows point at). */
  prepare?: () => Promise<void>;
}

/**
 * Mocha before/after hooks for an editor spec: Node-RED 4.1 as a process in a fresh user folder with the given
 * flows, and Chromium; both stopped and the folder removed after the describe.
 */
export function useEditorRig(options: EditorRigOptions): EditorRig {
  const rig = {} as { red: NodeRedProcess; browser: Browser; userDir: string };
  before(async () => {
    ensureBuilt();
    await options.prepare?.();
    rig.userDir = fs.mkdtempSync(path.join(os.tmpdir(), `printhooks-e2e-${options.label}-`));
    if (options.credentials) fs.writeFileSync(path.join(rig.userDir, 'flows_cred.json'), JSON.stringify(options.credentials()));
    rig.red = new NodeRedProcess({
      userDir: rig.userDir,
      label: options.label,
      settings: { editorTheme: { tours: false }, telemetry: { enabled: false, updateNotification: false } },
      flows: options.flows(),
    });
    await rig.red.start();
    rig.browser = await launchChromium();
  });
  after(async () => {
    await rig.browser?.close();
    await rig.red?.stop();
    if (rig.userDir) fs.rmSync(rig.userDir, { recursive: true, force: true });
  });
  return rig;
}
