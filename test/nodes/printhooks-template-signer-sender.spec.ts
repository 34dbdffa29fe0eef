import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { buildEvent } from '../../src/event';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { helper, nodeRedLine } from './helper';
import { useSenderEnv } from './support/sender-env';

const nodes = [
  require('../../nodes/printhooks-template/printhooks-template'),
  require('../../nodes/printhooks-signer/printhooks-signer'),
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
];

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const event = buildEvent({
  type: 'print.done',
  time: '2026-11-23T18:00:00.000Z',
  printer: { id: 'chain-printer', name: 'Ender 3', kind: 'octoprint' },
  job: { id: 'j1', file: 'benchy@home {{x}}.gcode', progress: 100 },
});

type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };

/** template -> signer -> sender -> a loopback receiver, verified with the Standard Webhooks library. */
describe(`printhooks-template -> signer -> sender (Node-RED ${nodeRedLine})`, () => {
  const env = useSenderEnv({ signerWaitMs: 50, statusIntervalMs: 5 });
  beforeEach(() => {
    env.rx.answer(() => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }));
  });

  async function deliver(template: Record<string, unknown>) {
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 't1', z: 'tab', type: 'printhooks-template', version: 1, wires: [['s1']], ...template },
      { id: 's1', z: 'tab', type: 'printhooks-signer', scheme: 'standard-webhooks', header: '', encoding: 'base64', version: 1, wires: [['snd']] },
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, method: 'POST', timeout: 5, allowOverride: false, version: 1 },
      { id: 'snd', z: 'tab', type: 'printhooks-sender', endpoint: 'ep', concurrency: 1, retrySchedule: '0.05', version: 1, wires: [['ok'], ['dead']] },
      { id: 'ok', z: 'tab', type: 'helper' },
      { id: 'dead', z: 'tab', type: 'helper' },
    ];
    await helper.load(nodes, flow as never, { s1: { secrets: WHSEC } } as never);
    const delivered = new Promise((resolve) => (helper.getNode('ok') as unknown as TestNode).on('input', (m: never) => resolve(m)));
    const request = env.rx.next();
    (helper.getNode('t1') as unknown as TestNode).receive({ topic: event.type, payload: event });
    const [req] = await Promise.all([request, delivered]);
    return req;
  }

  it('delivers the Standard Webhooks preset signed, verifiable, with the event id as webhook-id', async () => {
    const req = await deliver({ preset: 'standard-webhooks' });
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const verified = new Webhook(WHSEC).verify(req.body.toString(), headers) as Record<string, unknown>;
    assert.deepEqual(verified, { type: 'print.done', timestamp: event.time, data: event });
    assert.equal(headers['webhook-id'], event.id);
    assert.match(headers['content-type'], /^application\/json/);
  });

  it('delivers a signed multipart body with the snapshot bytes intact', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0x00, 0x80, 0xfe, 0xff, 0xd9]);
    const unregister = registerSnapshotProvider('chain-printer', async () => jpeg);
    try {
      const req = await deliver({ contentType: 'multipart', body: '{"image":"{{$snapshot}}","file":"{{job.file}}"}' });
      assert.match(String(req.headers['content-type']), /^multipart\/form-data; boundary=printhooks-/);
      assert.ok(req.body.includes(jpeg));
      assert.ok(req.body.includes(Buffer.from('benchy@home {{x}}.gcode')));
      // the signature covers the exact bytes sent, binary image included
      const key = Buffer.from(WHSEC.slice('whsec_'.length), 'base64');
      const mac = createHmac('sha256', key).update(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.`).update(req.body).digest('base64');
      assert.equal(req.headers['webhook-signature'], `v1,${mac}`);
    } finally {
      unregister();
    }
  });
});
