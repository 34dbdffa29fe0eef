// Issue 14, case 6: every admin route of the sender, endpoint, signer and verify nodes answers JSON,
// also when something fails inside it (a disk error, hostile input): never Express's HTML error page.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeliveryLog } from '../../src/delivery/delivery-log';
import { EndpointHealth } from '../../src/delivery/endpoint-health';
import { Outbox } from '../../src/delivery/outbox';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { helper, nodeRedLine } from './helper';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
const signerNode = require('../../nodes/printhooks-signer/printhooks-signer');
const verifyNode = require('../../nodes/printhooks-verify/printhooks-verify');

type Msg = Record<string, unknown>;
type Answer = { status: number; text: string; headers: Record<string, string>; body: Record<string, unknown> };

/** Replaces `proto[name]` for one call of `body`, then puts it back. */
async function whileBroken<T extends object>(proto: T, name: keyof T & string, replacement: unknown, body: () => Promise<void>): Promise<void> {
  const original = proto[name];
  (proto as Record<string, unknown>)[name] = replacement;
  try {
    await body();
  } finally {
    (proto as Record<string, unknown>)[name] = original;
  }
}

function assertJsonError(answer: Answer, status: number, message: RegExp): void {
  assert.match(answer.headers['content-type'] ?? '', /^application\/json/, `JSON, not: ${answer.text.slice(0, 120)}`);
  assert.equal(answer.status, status, answer.text);
  assert.match(String(answer.body.error), message);
}

describe(`admin routes answer JSON, also on errors (Node-RED ${nodeRedLine})`, () => {
  let rx: FakeReceiver;
  let outboxDir: string;
  const post = (url: string, body: object = {}) => helper.request().post(url).send(body) as unknown as Promise<Answer>;
  const get = (url: string) => helper.request().get(url) as unknown as Promise<Answer>;

  beforeEach(async () => {
    rx = await new FakeReceiver().start();
    outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-admin-json-'));
    helper.settings({ printhooks: { sender: { outboxDir, statusIntervalMs: 5 } } } as never);
    await helper.startServer();
    await helper.load([endpointNode, senderNode, signerNode, verifyNode] as never, [
      { id: 't1', type: 'tab' },
      { id: 'ep', type: 'printhooks-endpoint', url: `${rx.url}/hook`, timeout: 2, version: 1 },
      { id: 's1', z: 't1', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [[], ['dead']] },
      { id: 'dead', z: 't1', type: 'helper' },
      { id: 'sg', z: 't1', type: 'printhooks-signer', scheme: 'github', version: 1, wires: [[]] },
      { id: 'vf', z: 't1', type: 'printhooks-verify', scheme: 'github', version: 1, wires: [[], []] },
    ] as never, { sg: { secrets: 'gh-secret' }, vf: { secrets: 'gh-secret' } } as never);
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await rx.stop();
    fs.rmSync(outboxDir, { recursive: true, force: true });
  });

  it('retry-dead after a disk error answers a JSON 500 naming the cause, and works again once the disk does', async () => {
    rx.reply({ status: 400, body: 'no' });
    const dead: Msg[] = [];
    (helper.getNode('dead') as unknown as { on(e: string, cb: (m: Msg) => void): void }).on('input', (m) => dead.push(m));
    (helper.getNode('s1') as unknown as { receive(m: Msg): void }).receive({ payload: 'x' });
    const started = Date.now();
    while (dead.length === 0 && Date.now() - started < 4000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(dead.length, 1, 'one dead letter to retry');
    const diskFull = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    await whileBroken(Outbox.prototype, 'update', diskFull, async () => {
      assertJsonError(await post('/printhooks-sender/s1/retry-dead'), 500, /retry dead letters failed: ENOSPC: no space left on device/);
    });
    const retried = await post('/printhooks-sender/s1/retry-dead');
    assert.equal(retried.status, 200);
    assert.equal(typeof retried.body.retried, 'number');
  });

  it('the log, test and enable routes answer JSON when they fail inside', async () => {
    await whileBroken(DeliveryLog.prototype, 'list', () => { throw new Error('log broke'); }, async () => {
      assertJsonError(await get('/printhooks-sender/s1/log'), 500, /delivery log failed: log broke/);
    });
    await whileBroken(Outbox.prototype, 'append', () => { throw new Error('EIO: i/o error, write'); }, async () => {
      assertJsonError(await post('/printhooks-sender/s1/test'), 500, /EIO: i\/o error/);
    });
    await whileBroken(EndpointHealth.prototype, 'enable', () => { throw new Error('enable broke'); }, async () => {
      assertJsonError(await post('/printhooks-endpoint/ep/enable'), 500, /re-enable failed: enable broke/);
    });
    assertJsonError(await get('/printhooks-sender/nope/log'), 404, /not deployed/);
    assertJsonError(await post('/printhooks-endpoint/nope/enable'), 404, /not deployed/);
  });

  it('the signer and verify key tools answer JSON to hostile input', async () => {
    // String(req.scheme) of {"toString":1} throws "Cannot convert object to primitive value"
    for (const url of ['/printhooks-signer/keys', '/printhooks-verify/keys']) {
      const hostile = await post(url, { action: 'generate', scheme: { toString: 1 } });
      assertJsonError(hostile, 400, /scheme/);
      const fine = await post(url, { action: 'generate', scheme: 'github' });
      assert.equal(fine.status, 200);
      assert.equal(typeof fine.body.secret, 'string');
    }
    assertJsonError(await get('/printhooks-signer/nope/public-keys'), 404, /not deployed/);
  });

  it('a malformed JSON body, refused by Node-RED before the route runs, is answered as JSON too', async () => {
    for (const url of ['/printhooks-signer/keys', '/printhooks-verify/keys', '/printhooks-sender/s1/test', '/printhooks-sender/s1/retry-dead', '/printhooks-endpoint/ep/enable']) {
      const answer = (await helper.request().post(url).set('content-type', 'application/json').send('{"action":')) as unknown as Answer;
      assertJsonError(answer, 400, /^request refused: .*JSON/);
      assert.ok(!answer.text.includes('node_modules'), 'no stack trace');
    }
    assert.equal(rx.received.length, 0, 'the refused test request queued nothing');
  });
});
