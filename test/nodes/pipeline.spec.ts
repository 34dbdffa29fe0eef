import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { useSenderEnv } from './support/sender-env';
import { helper, nodeRedLine } from './helper';

// The whole chain with real nodes: a fake Moonraker over a real websocket, then
// filter → template → signer → sender, delivering to a real HTTP receiver on loopback.
const nodes = [
  require('../../nodes/printhooks-moonraker-server/printhooks-moonraker-server'),
  require('../../nodes/printhooks-moonraker/printhooks-moonraker'),
  require('../../nodes/printhooks-filter/printhooks-filter'),
  require('../../nodes/printhooks-template/printhooks-template'),
  require('../../nodes/printhooks-signer/printhooks-signer'),
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
];

const SECRET = 'whsec_' + Buffer.from('pipeline-test-secret-32-bytes-!!').toString('base64');

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe(`pipeline: moonraker → filter → template → signer → sender (Node-RED ${nodeRedLine})`, function () {
  this.timeout(20_000);
  let fake: FakeMoonraker;
  const env = useSenderEnv();

  beforeEach(async () => {
    fake = new FakeMoonraker();
    await fake.listen();
  });
  afterEach(() => fake.close());

  function flow() {
    return [
      { id: 'srv', type: 'printhooks-moonraker-server', name: 'Voron', url: fake.url, reconnectMs: 20, klippyRetryMs: 40 },
      { id: 'src', type: 'printhooks-moonraker', server: 'srv', offlineDelayMs: 100, historyWaitMs: 200, wires: [['flt']] },
      { id: 'flt', type: 'printhooks-filter', events: ['print.started', 'print.progress', 'print.done'], progressStep: 50, version: 1, wires: [['tpl']] },
      { id: 'tpl', type: 'printhooks-template', preset: 'standard-webhooks', version: 1, wires: [['sig']] },
      { id: 'sig', type: 'printhooks-signer', scheme: 'standard-webhooks', version: 1, wires: [['snd']] },
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, version: 1 },
      { id: 'snd', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [['ok'], ['dead']] },
      { id: 'ok', type: 'helper' },
      { id: 'dead', type: 'helper' },
    ];
  }

  it('delivers exactly the filtered lifecycle, signed, once each, across a reconnect', async () => {
    await helper.load(nodes, flow() as never, { sig: { secrets: SECRET } } as never);
    const dead: unknown[] = [];
    helper.getNode('dead').on('input', (m: unknown) => dead.push(m));
    await fake.until(() => fake.count('printer.objects.subscribe') >= 1);
    await new Promise((r) => setTimeout(r, 100)); // the subscribe answer is the baseline

    fake.update({ print_stats: { filename: 'benchy.gcode', state: 'printing' }, virtual_sdcard: { progress: 0.1 } });
    await until(() => env.rx.received.length >= 1, 'print.started delivered');
    for (const p of [0.3, 0.55, 0.8]) fake.update({ virtual_sdcard: { progress: p } });
    await until(() => env.rx.received.length >= 2, 'the 50 % milestone delivered');

    // The socket drops mid-job and comes back: nothing is replayed.
    fake.dropClients();
    await fake.until(() => fake.count('printer.objects.subscribe') >= 2);
    await new Promise((r) => setTimeout(r, 150));
    fake.update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1 } });
    await until(() => env.rx.received.length >= 3, 'print.done delivered');
    await new Promise((r) => setTimeout(r, 300));

    const wh = new Webhook(SECRET);
    const bodies = env.rx.received.map((r) => {
      const verified = wh.verify(r.body, r.headers as Record<string, string>) as { type: string; data: { id: string; job?: { progress?: number } } };
      assert.equal(r.headers['webhook-id'], verified.data.id, 'webhook-id is the event id');
      assert.equal(r.headers['content-type'], 'application/json');
      return verified;
    });
    assert.deepEqual(bodies.map((b) => b.type), ['print.started', 'print.progress', 'print.done']);
    assert.equal(bodies[1].data.job?.progress, 50);
    assert.equal(new Set(env.rx.received.map((r) => r.headers['webhook-id'])).size, 3);
    assert.equal(dead.length, 0);
    const log = fs.readFileSync(path.join(env.outboxDir, 'snd', 'outbox.log'));
    assert.equal(log.includes(Buffer.from('webhook-signature')), false, 'no signature on disk');
  });
});
