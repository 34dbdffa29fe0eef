import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { helper } from './helper';
import { FakeReceiver } from '../fakes/receiver/receiver';

const nodes = [require('../../nodes/printhooks-endpoint/printhooks-endpoint'), require('../../nodes/printhooks-sender/printhooks-sender')];

type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };
const node = (id: string) => helper.getNode(id) as unknown as TestNode;
const load = (flow: object[], credentials: object = {}) => helper.load(nodes, flow as never, credentials as never);

function nextMsg(id: string): Promise<Record<string, unknown> & { delivery: Record<string, unknown> }> {
  return new Promise((resolve) => node(id).on('input', (msg: never) => resolve(msg)));
}

describe('printhooks-endpoint node', () => {
  let outboxDir: string;
  const receivers: FakeReceiver[] = [];
  const flow = (url: string, endpoint: Record<string, unknown> = {}) => [
    { id: 'ep', type: 'printhooks-endpoint', url, version: 1, ...endpoint },
    { id: 's1', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', version: 1, wires: [['ok'], ['dead']] },
    { id: 'ok', type: 'helper' },
    { id: 'dead', type: 'helper' },
  ];

  beforeEach(async () => {
    outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-endpoint-node-'));
    helper.settings({ printhooks: { sender: { outboxDir, statusIntervalMs: 5 } } } as never);
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    for (const rx of receivers.splice(0)) await rx.stop();
    fs.rmSync(outboxDir, { recursive: true, force: true });
  });

  it('sends basic auth from its credentials', async () => {
    const rx = await new FakeReceiver().start();
    receivers.push(rx);
    await load(flow(rx.url), { ep: { username: 'printer', password: 'p@ss' } });
    const ok = nextMsg('ok');
    node('s1').receive({ payload: 'x' });
    await ok;
    assert.equal(rx.received[0].headers.authorization, `Basic ${Buffer.from('printer:p@ss').toString('base64')}`);
  });

  it('verifies TLS unless a self-signed certificate is allowed', async () => {
    const rx = await new FakeReceiver({ tls: true }).start();
    receivers.push(rx);
    await load(flow(rx.url, { timeout: 2 }));
    const dead = nextMsg('dead');
    node('s1').receive({ payload: 'x' });
    const d = (await dead).delivery;
    assert.match(String(d.error), /self[- ]signed|SELF_SIGNED/i);
    assert.equal(rx.received.length, 0);
    await helper.unload();
    fs.rmSync(outboxDir, { recursive: true, force: true });
    await load(flow(rx.url, { tlsInsecure: true }));
    const ok = nextMsg('ok');
    node('s1').receive({ payload: 'y' });
    assert.equal((await ok).delivery.status, 204);
  });

  it('re-enable answers 404 for an unknown endpoint', async () => {
    await load(flow('http://127.0.0.1:9/'));
    await helper.request().post('/printhooks-endpoint/unknown/enable').expect(404);
    const res = await helper.request().post('/printhooks-endpoint/ep/enable').expect(200);
    assert.equal(res.body.wasDisabled, false);
  });
});
