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
 * given to the sender through Node-RED settings (`more`: other printhooks settings, e.g. the endpoint's), and
 * the test helper's server around each test.
 */
export function useSenderEnv(sender: Record<string, unknown> = {}, more: (outboxDir: string) => Record<string, unknown> = () => ({})): SenderEnv {
  const env = {} as SenderEnv;
  beforeEach(async () => {
    env.rx = await new FakeReceiver().start();
    env.outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-node-test-'));
    helper.settings({ printhooks: { sender: { outboxDir: env.outboxDir, ...sender }, ...more(env.outboxDir) } } as never);
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

/**
 * The endpoint `ep` at the receiver's /hook, the sender `s1` on it and one helper node per output, wired in
 * order: the flow the sender specs vary with `endpoint` and `sender` fields.
 */
export function senderFlow(rx: FakeReceiver, endpoint: Record<string, unknown>, sender: Record<string, unknown>, outputs = ['ok', 'dead']): Array<Record<string, unknown>> {
  return [
    { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, method: 'POST', timeout: 2, allowOverride: false, tlsInsecure: false, version: 1, ...endpoint },
    { id: 's1', type: 'printhooks-sender', endpoint: 'ep', ordered: false, jitter: 0, overloadDelay: 0.05, wires: outputs.map((id) => [id]), ...sender },
    ...outputs.map((id) => ({ id, type: 'helper' })),
  ];
}
