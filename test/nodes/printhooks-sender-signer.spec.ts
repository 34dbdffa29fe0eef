import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Webhook } from 'standardwebhooks';
import { helper } from './helper';
import { useSenderEnv } from './support/sender-env';
import { TEST_SECRET } from '../core/delivery/test-signer';

// The real printhooks-signer in front of the sender: the hand-over of docs/signing.md ("Re-signing") end to end.
const nodes = [
  require('../../nodes/printhooks-signer/printhooks-signer'),
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
];

describe('printhooks-signer → printhooks-sender', () => {
  const env = useSenderEnv();

  it('every attempt is re-signed by the signer node and verifies; no signature reaches the outbox', async () => {
    env.rx.reply({ status: 503 });
    const flow = [
      { id: 'sig', type: 'printhooks-signer', scheme: 'standard-webhooks', version: 1, wires: [['s1']] },
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, version: 1 },
      { id: 's1', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [['ok'], []] },
      { id: 'ok', type: 'helper' },
    ];
    await helper.load(nodes, flow as never, { sig: { secrets: TEST_SECRET } } as never);
    const ok = new Promise<Record<string, unknown>>((resolve) => (helper.getNode('ok') as unknown as { on(e: string, cb: (m: never) => void): void }).on('input', (m) => resolve(m)));
    const event = { id: 'evt_chain', type: 'print.done', time: '2026-11-23T18:00:00.000Z', printer: { id: 'p1', name: 'Ender', kind: 'octoprint' } };
    (helper.getNode('sig') as unknown as { receive(m: unknown): void }).receive({ payload: event, event, headers: { 'content-type': 'application/json' } });
    const msg = await ok;
    assert.equal((msg.delivery as { attempts: number }).attempts, 2);
    const wh = new Webhook(TEST_SECRET);
    assert.equal(env.rx.received.length, 2);
    for (const r of env.rx.received) {
      assert.equal(r.headers['webhook-id'], 'evt_chain');
      wh.verify(r.body, r.headers as Record<string, string>);
    }
    assert.equal(env.rx.received[0].body.toString(), env.rx.received[1].body.toString(), 'the same bytes on every attempt');
    const log = fs.readFileSync(path.join(env.outboxDir, 's1', 'outbox.log'));
    assert.equal(log.includes(Buffer.from('webhook-signature')), false);
    assert.equal(log.includes(Buffer.from('v1,')), false);
  });
});
