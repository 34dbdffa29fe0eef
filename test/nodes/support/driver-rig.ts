import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { helper } from '../helper';
import type { FlowItem, Msg, PrinterDriver } from './printer-drivers';

export interface LoadOptions {
  /** Node modules beside the platform's two. */
  nodes?: unknown[];
  /** Flow items beside `cfg`, `src` and the helper `out`. */
  flow?: FlowItem[];
  /** Where the source's output goes (default: `out`). */
  wires?: string[];
  /** Node-RED settings beside the user folder and the platform's own. */
  settings?: Record<string, unknown>;
}

export interface DriverRig {
  /** The test's Node-RED user folder (odometer, captures and marks are kept under it). */
  readonly userDir: string;
  /** What the helper node `out` received since the last load. */
  readonly msgs: Msg[];
  /** Starts the platform's fake, then Node-RED with its config and source nodes, and waits until the source follows the printer. */
  load(make: () => PrinterDriver, config?: Record<string, unknown>, options?: LoadOptions): Promise<PrinterDriver>;
}

/**
 * Mocha hooks for specs that run one printer driver per test (test/nodes/support/printer-drivers.ts): a fresh user
 * folder, and after each test Node-RED and the fake stopped and the folder removed.
 */
export function useDriverRig(prefix: string): DriverRig {
  let userDir = '';
  let driver: PrinterDriver | undefined;
  let msgs: Msg[] = [];
  beforeEach(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await driver?.stop();
    driver = undefined;
    // A camera capture started by the last terminal event may still be writing (the capture store outlives
    // nodes on purpose, docs/snapshots.md): retried until it has settled, yielding so the write can finish
    // (rmSync's own retries would block the event loop it needs).
    for (let i = 0; ; i++) {
      try {
        fs.rmSync(userDir, { recursive: true, force: true });
        break;
      } catch (e) {
        if (i >= 40) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return {
    get userDir() {
      return userDir;
    },
    get msgs() {
      return msgs;
    },
    async load(make, config = {}, options = {}) {
      const d = make();
      driver = d;
      await d.start();
      helper.settings({ userDir, ...d.settings(), ...options.settings });
      await helper.startServer();
      const flow = [...d.flow(config, options.wires ?? ['out']), { id: 'out', type: 'helper' }, ...(options.flow ?? [])];
      await helper.load([...d.nodes, ...(options.nodes ?? [])] as never, flow as never, d.credentials() as never);
      msgs = [];
      helper.getNode('out').on('input', (m: unknown) => msgs.push(m as Msg));
      await d.ready(msgs);
      return d;
    },
  };
}
