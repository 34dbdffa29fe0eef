// Shared set-up of the Elegoo node specs: a Node-RED test runtime with its own user dir, the msgs the
// source emits, and waits on them. Call inside a describe(); it registers beforeEach/afterEach.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { helper } from '../../nodes/helper';
import printerNode = require('../../../nodes/printhooks-elegoo-printer/printhooks-elegoo-printer');
import sourceNode = require('../../../nodes/printhooks-elegoo/printhooks-elegoo');

export type Msg = {
  topic: string;
  payload: {
    id: string;
    type: string;
    reason?: string;
    error?: { code?: string; message?: string };
    job?: { id: string; file?: string; progress?: number; layer?: number; layers?: number; elapsed_s?: number; remaining_s?: number };
    printer: { id: string; kind: string };
  };
};
export type FlowItem = { id: string; type: string; [key: string]: unknown };
export type Status = { fill?: string; shape?: string; text?: string };

export const elegooNodes = [printerNode, sourceNode];

export async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The topics emitted, without online/offline. */
export function lifecycle(msgs: Msg[]): string[] {
  return msgs.map((m) => m.topic).filter((t) => t !== 'printer.online' && t !== 'printer.offline');
}

export interface NodeHarness {
  /** Every msg the `out` helper node received since the last start(). */
  readonly msgs: Msg[];
  start(nodes: FlowItem[], credentials?: Record<string, unknown>): Promise<void>;
  online(): Promise<void>;
  seen(topic: string, count?: number): Promise<void>;
  /** Every status the node has set so far (the test helper wraps node methods in sinon spies). */
  statuses(id?: string): Status[];
  /** Adds runtime settings (beside the user dir) for the next start(). */
  settings(extra: Record<string, unknown>): void;
}

export function elegooNodeHarness(closeFake: () => Promise<void> | undefined): NodeHarness {
  let userDir = '';
  const msgs: Msg[] = [];
  beforeEach(async () => {
    userDir = mkdtempSync(path.join(tmpdir(), 'printhooks-elegoo-'));
    helper.settings({ userDir });
    await helper.startServer();
    msgs.length = 0;
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await closeFake();
    rmSync(userDir, { recursive: true, force: true });
  });
  return {
    msgs,
    async start(nodes, credentials) {
      msgs.length = 0;
      await helper.load(elegooNodes, nodes as never, credentials as never);
      helper.getNode('out')?.on('input', (msg: unknown) => msgs.push(msg as Msg));
    },
    online: () => until(() => msgs.some((m) => m.topic === 'printer.online')),
    seen: (topic, count = 1) => until(() => msgs.filter((m) => m.topic === topic).length >= count),
    settings(extra) {
      helper.settings({ userDir, ...extra });
    },
    statuses(id = 'src') {
      const spy = (helper.getNode(id) as unknown as { status: { getCalls(): Array<{ args: Status[] }> } }).status;
      return spy.getCalls().map((c) => c.args[0]);
    },
  };
}
