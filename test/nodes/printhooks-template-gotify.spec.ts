import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildEvent } from '../../src/event';
import { useSenderEnv } from './support/sender-env';
import { helper, nodeRedLine } from './helper';

const nodes = [
  require('../../nodes/printhooks-template/printhooks-template'),
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
];

const TOKEN = 'AbCdEf.gotify-app-token_1';

// Gotify (issue 19 point 7): the application token stays a credential; the msg and the outbox hold a
// secret reference, and only the request the sender makes carries X-Gotify-Key with the token.
describe(`gotify preset through the sender (Node-RED ${nodeRedLine})`, function () {
  this.timeout(20_000);
  const env = useSenderEnv({});

  it('POST /message with X-Gotify-Key = the token, Markdown body; the token is not in the msg or on disk', async () => {
    await helper.load(nodes, [
      { id: 'tab', type: 'tab' },
      { id: 'tpl', z: 'tab', type: 'printhooks-template', preset: 'gotify', link: 'http://octopi.local', version: 1, wires: [['snd', 'seen']] },
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/message`, version: 1 },
      { id: 'snd', z: 'tab', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [[], []] },
      { id: 'seen', z: 'tab', type: 'helper' },
    ] as never, { tpl: { token: TOKEN } } as never);
    const msgs: unknown[] = [];
    helper.getNode('seen').on('input', (m: unknown) => msgs.push(m));
    const event = buildEvent({ type: 'printer.material_changed', printer: { id: 'x1c', name: 'X1C', kind: 'bambu' }, material: { type: 'PLA', color: '#00AE42', tray: 'ams0/tray1' } });
    helper.getNode('tpl').receive({ topic: event.type, payload: event });
    const got = await env.rx.next();
    assert.equal(got.path, '/message');
    assert.equal(got.headers['x-gotify-key'], TOKEN);
    const body = JSON.parse(got.body.toString()) as { title: string; message: string; priority: number; extras: Record<string, unknown> };
    assert.equal(body.title, 'Material changed · X1C');
    assert.match(body.message, /PLA, #00AE42 in ams0\/tray1/);
    assert.deepEqual(body.extras, { 'client::display': { contentType: 'text/markdown' }, 'client::notification': { click: { url: 'http://octopi.local' } } });
    assert.ok(msgs.length === 1 && !JSON.stringify(msgs[0]).includes(TOKEN), 'the msg holds a reference, not the token');
    const log = fs.readFileSync(path.join(env.outboxDir, 'snd', 'outbox.log'));
    assert.equal(log.includes(Buffer.from(TOKEN)), false, 'the token is not on disk');
  });
});
