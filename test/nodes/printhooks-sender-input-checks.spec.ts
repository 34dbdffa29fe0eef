// Issue 14, case 5, in a real Node-RED: a request that could never be sent gets done(err) naming the
// field (a Catch node sees it), nothing is queued, nothing reaches the target and no password reaches
// the outbox on disk (docs/delivery.md, "Checked at input").
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { helper, nodeRedLine } from './helper';
import { catchNode } from './secrets/environment';
import { useSenderEnv } from './support/sender-env';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');

type Msg = Record<string, unknown>;
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (msg: Msg) => void): void };
const node = (id: string) => helper.getNode(id) as unknown as TestNode;

function filesUnder(dir: string): Buffer {
  if (!fs.existsSync(dir)) return Buffer.alloc(0);
  return Buffer.concat(fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => fs.readFileSync(path.join(e.parentPath, e.name))));
}

describe(`printhooks-sender: requests checked at input (Node-RED ${nodeRedLine})`, () => {
  const env = useSenderEnv({ statusIntervalMs: 5 });

  it('refuses bad header names and values and a url with user info or another scheme: done(err), nothing queued or sent', async () => {
    await helper.load([endpointNode, senderNode, catchNode] as never, [
      { id: 't1', type: 'tab' },
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, allowOverride: true, timeout: 2, version: 1 },
      { id: 's1', z: 't1', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, ordered: true, version: 1, wires: [['ok'], ['dead']] },
      { id: 'c1', z: 't1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'ok', z: 't1', type: 'helper' },
      { id: 'dead', z: 't1', type: 'helper' },
      { id: 'caught', z: 't1', type: 'helper' },
    ] as never);
    const caught: Msg[] = [];
    const ok: Msg[] = [];
    node('caught').on('input', (m) => caught.push(m));
    node('ok').on('input', (m) => ok.push(m));
    const bad: Array<[Msg, RegExp]> = [
      [{ payload: 'a', headers: { 'bad header': '1' } }, /msg\.headers: "bad header" is not a valid header name/],
      [{ payload: 'b', headers: { 'X-Note': 'one\r\nX-Injected: 1' } }, /msg\.headers\.X-Note contains a line break/],
      [{ payload: 'c', url: `http://user:SECRET-url-pass-7f3a@127.0.0.1:${env.rx.port}/hook` }, /msg\.url must not contain a user name or password/],
      [{ payload: 'd', url: 'ftp://127.0.0.1/hook' }, /msg\.url must be http:\/\/ or https:\/\/, not ftp:/],
    ];
    for (const [msg] of bad) node('s1').receive(msg);
    // a good msg after them is delivered at once: nothing bad sits at the head of the strict order
    node('s1').receive({ payload: 'good' });
    const started = Date.now();
    while ((caught.length < bad.length || ok.length < 1) && Date.now() - started < 4000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(caught.length, bad.length, 'every bad msg reached the Catch node');
    bad.forEach(([, pattern], i) => assert.match(String((caught[i].error as { message: string }).message), pattern));
    assert.equal(ok.length, 1);
    assert.deepEqual(env.rx.received.map((r) => r.body.toString()), ['good'], 'only the good msg was sent');
    const disk = filesUnder(env.outboxDir).toString('latin1');
    assert.ok(!disk.includes('SECRET-url-pass-7f3a'), 'the password never reached the outbox');
    assert.ok(!/bad header|X-Injected/.test(disk), 'no refused header reached the outbox');
    assert.ok(!caught.some((m) => JSON.stringify(m.error).includes('SECRET-url-pass-7f3a')), 'the error does not repeat the password');
  });
});
