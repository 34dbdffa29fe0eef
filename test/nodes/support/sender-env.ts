import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { helper } from '../helper';

export interface SenderEnv {
  rx: FakeReceiver;
  outboxDir: string;
}

/**
 * Mocha hooks for node tests that deliver: a real loopback receiver, a temporary outbox folder
 * given to the sender through Node-RED settings, and the test helper's server around each test.
 */
export function useSenderEnv(sender: Record<string, unknown> = {}): SenderEnv {
  const env = {} as SenderEnv;
  beforeEach(async () => {
    env.rx = await new FakeReceiver().start();
    env.outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-node-test-'));
    helper.settings({ printhooks: { sender: { outboxDir: env.outboxDir, ...sender } } } as never);
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await env.rx.stop();
    fs.rmSync(env.outboxDir, { recursive: true, force: true });
  });
  return env;
}
