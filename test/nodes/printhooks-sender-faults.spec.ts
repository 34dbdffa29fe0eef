// Issue 14, cases 1-3, in a real Node-RED (both lines): a damaged outbox is recovered around the damage,
// a second sender with the same id accepts nothing and takes nothing from the first, and a full disk
// neither stalls accepted msgs nor delivers refused ones (docs/delivery.md, "Integrity", "Disk faults").
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Outbox } from '../../src/delivery/outbox';
import { requestFromMsg } from '../../src/delivery/request-from-msg';
import { helper, nodeRedLine } from './helper';
import { catchNode } from './secrets/environment';
import { useSenderEnv } from './support/sender-env';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
const completeNode = require(require.resolve('@node-red/nodes/core/common/24-complete.js', {
  paths: [require.resolve(nodeRedLine === '4' ? 'node-red-4' : 'node-red')],
}));

type Msg = Record<string, unknown>;
type TestNode = { send(msg: unknown): void; on(event: string, cb: (msg: Msg) => void): void };
type StatusCall = { thisValue: { id: string; z?: string }; args: [{ fill?: string; text?: string }] };
const node = (id: string) => helper.getNode(id) as unknown as TestNode;

function collect(id: string): Msg[] {
  const got: Msg[] = [];
  node(id).on('input', (m) => got.push(m));
  return got;
}

async function until(check: () => boolean, what: string, timeoutMs = 6000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every status a node with `id` (on tab `z`, when given) has shown so far, from the helper's spy. */
function statuses(id: string, z?: string): string[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): StatusCall[] } } })._NodePrototype.status;
  return spy.getCalls().filter((c) => c.thisValue.id === id && (z === undefined || c.thisValue.z === z)).map((c) => `${c.args[0]?.fill}:${c.args[0]?.text}`);
}

const loggedText = () => (helper.log() as unknown as { args: Array<[{ msg?: unknown }]> }).args.map((a) => String(a[0]?.msg));

describe(`printhooks-sender: outbox faults (Node-RED ${nodeRedLine})`, () => {
  const env = useSenderEnv({ statusIntervalMs: 5 });

  function sender(id: string, z: string, wires: string[][]): Record<string, unknown> {
    return { id, z, type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05,0.05,0.05,0.05,0.05,0.05,0.05,0.05,0.05,0.05', jitter: 0, overloadDelay: 0.05, version: 1, wires };
  }

  it('case 1: one corrupt byte in record 101 of 200 costs only that msg; the warning counts what was recovered and set aside', async () => {
    const dir = path.join(env.outboxDir, 's1');
    const outbox = new Outbox(dir);
    const entries = [];
    for (let n = 1; n <= 200; n++) entries.push(outbox.append(requestFromMsg({ payload: `body-${n}`, webhook: { id: `evt_${n}` } }, { allowOverride: false }), 0).entry);
    await outbox.sync();
    const bad = { offset: entries[100].offset, length: entries[100].length };
    await outbox.close();
    const log = fs.readFileSync(outbox.file);
    log[bad.offset + bad.length - 2] ^= 0x01;
    fs.writeFileSync(outbox.file, log);

    await helper.load([endpointNode, senderNode] as never, [
      { id: 't1', type: 'tab' },
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, timeout: 2, version: 1 },
      sender('s1', 't1', [[], []]),
    ] as never);
    await env.rx.waitFor(199);
    await new Promise((r) => setTimeout(r, 100));
    const ids = env.rx.received.map((r) => String(r.headers['webhook-id']));
    assert.equal(new Set(ids).size, 199);
    assert.equal(ids.includes('evt_101'), false);
    const warning = loggedText().find((m) => /damaged records found/.test(m));
    assert.match(String(warning), new RegExp(`99 records after the damage were recovered, ${bad.length} damaged bytes \\(1 run\\) set aside in .*outbox\\.log\\.quarantine-\\d+`));
  });

  it('case 2: a second sender with the same id shows a red status naming the id, refuses its msgs, and the first loses nothing', async () => {
    await helper.load([endpointNode, senderNode, catchNode, completeNode] as never, [
      { id: 't1', type: 'tab' },
      { id: 't2', type: 'tab' },
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, timeout: 2, version: 1 },
      sender('s1', 't1', [['ok1'], []]),
      { id: 'in1', z: 't1', type: 'helper', wires: [['s1']] },
      { id: 'ok1', z: 't1', type: 'helper' },
      sender('s1', 't2', [['ok2'], []]),
      { id: 'in2', z: 't2', type: 'helper', wires: [['s1']] },
      { id: 'ok2', z: 't2', type: 'helper' },
      { id: 'c2', z: 't2', type: 'catch', scope: null, uncaught: false, wires: [['caught2']] },
      { id: 'caught2', z: 't2', type: 'helper' },
    ] as never);
    const ok1 = collect('ok1');
    const caught2 = collect('caught2');
    for (let n = 0; n < 30; n++) {
      node('in1').send({ payload: `one-${n}` });
      node('in2').send({ payload: `two-${n}` });
    }
    await until(() => ok1.length === 30 && caught2.length === 30, 'deliveries and refusals');
    assert.match(String((caught2[0].error as { message: string }).message), /same id "s1" \(a duplicate id.*the msg was not accepted/);
    assert.ok(statuses('s1', 't2').some((s) => s === 'red:duplicate id s1: not accepting'), statuses('s1', 't2').join(' | '));
    assert.ok(statuses('s1', 't1').every((s) => !s.startsWith('red')));
    const bodies = env.rx.received.map((r) => r.body.toString());
    assert.equal(bodies.filter((b) => b.startsWith('one-')).length, 30);
    assert.equal(bodies.filter((b) => b.startsWith('two-')).length, 0);
    assert.ok(loggedText().some((m) => /already in use by another running node with the same id "s1"/.test(m)));
  });

  it('a read-only outbox folder at deploy: msgs are refused with the cause, and it opens by itself once writable', async () => {
    helper.settings({ printhooks: { sender: { outboxDir: env.outboxDir, statusIntervalMs: 5, outboxRetryMs: 50 } } } as never);
    const fsModule = require('fs') as typeof fs;
    const realOpenSync = fsModule.openSync;
    let readOnly = true;
    // root ignores directory permissions, so the read-only file system is simulated where files are created
    fsModule.openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
      if (readOnly && String(file).startsWith(env.outboxDir)) throw Object.assign(new Error(`EROFS: read-only file system, open '${String(file)}'`), { code: 'EROFS' });
      return (realOpenSync as (...a: unknown[]) => number)(file, ...rest);
    }) as typeof fs.openSync;
    try {
      await helper.load([endpointNode, senderNode, catchNode, completeNode] as never, [
        { id: 't1', type: 'tab' },
        { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, timeout: 2, version: 1 },
        sender('s1', 't1', [['ok'], []]),
        { id: 'in', z: 't1', type: 'helper', wires: [['s1']] },
        { id: 'ok', z: 't1', type: 'helper' },
        { id: 'c1', z: 't1', type: 'catch', scope: ['s1'], uncaught: false, wires: [['refused']] },
        { id: 'refused', z: 't1', type: 'helper' },
      ] as never);
      const ok = collect('ok');
      const refused = collect('refused');
      node('in').send({ payload: 'while-read-only' });
      await until(() => refused.length === 1, 'refused while read-only');
      assert.match(String((refused[0].error as { message: string }).message), /disk read-only: cannot open the outbox in .*make the file system writable again.*the msg was not accepted/);
      assert.ok(statuses('s1').includes('red:disk read-only: not accepting'), statuses('s1').join(' | '));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(loggedText().filter((m) => /disk read-only: cannot open/.test(m)).length, 1, 'logged once, retried quietly');
      readOnly = false;
      await until(() => loggedText().some((m) => /outbox opened in .*msgs are accepted again/.test(m)), 'opened without a redeploy');
      node('in').send({ payload: 'after' });
      await until(() => ok.length === 1, 'delivered after the folder became writable');
      assert.deepEqual(env.rx.received.map((r) => r.body.toString()), ['after']);
    } finally {
      fsModule.openSync = realOpenSync;
    }
  });

  describe('case 3: a full disk', () => {
    const fsModule = require('fs') as typeof fs;
    const realWritev = fsModule.writev;
    const realWrite = fsModule.write;
    let full = false;
    beforeEach(() => {
      // a disk that fills up mid-write: writev lands half of its bytes (a short write), the rest fails
      fsModule.writev = ((fd: number, buffers: Buffer[], position: number, cb: (err: NodeJS.ErrnoException | null, n?: number) => void) => {
        if (!full) return realWritev(fd, buffers, position, cb);
        const all = Buffer.concat(buffers);
        const half = all.subarray(0, Math.floor(all.length / 2));
        if (half.length === 0) return process.nextTick(cb, enospc());
        return realWritev(fd, [half], position, cb);
      }) as typeof fs.writev;
      fsModule.write = ((...args: unknown[]) => {
        const cb = args[args.length - 1] as (err: NodeJS.ErrnoException) => void;
        if (full && typeof args[0] === 'number' && Buffer.isBuffer(args[1])) return process.nextTick(cb, enospc());
        return (realWrite as (...a: unknown[]) => void)(...args);
      }) as typeof fs.write;
    });
    afterEach(() => {
      full = false;
      fsModule.writev = realWritev;
      fsModule.write = realWrite;
    });

    it('accepted msgs keep being delivered, refused ones never are, the status says "disk full", and it resumes by itself', async () => {
      let failing = true;
      env.rx.answer(() => (failing ? { status: 503 } : { status: 204 }));
      await helper.load([endpointNode, senderNode, catchNode, completeNode] as never, [
        { id: 't1', type: 'tab' },
        // breakerFailures 0: every accepted msg keeps being retried through the 503s (no breaker pause)
        { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, timeout: 2, version: 1, breakerFailures: 0 },
        sender('s1', 't1', [['ok'], []]),
        { id: 'in', z: 't1', type: 'helper', wires: [['s1']] },
        { id: 'ok', z: 't1', type: 'helper' },
        { id: 'cc', z: 't1', type: 'complete', scope: ['s1'], uncaught: false, wires: [['accepted']] },
        { id: 'accepted', z: 't1', type: 'helper' },
        { id: 'c1', z: 't1', type: 'catch', scope: ['s1'], uncaught: false, wires: [['refused']] },
        { id: 'refused', z: 't1', type: 'helper' },
      ] as never);
      const ok = collect('ok');
      const accepted = collect('accepted');
      const refused = collect('refused');
      for (let n = 0; n < 10; n++) node('in').send({ payload: `early-${n}` });
      await until(() => accepted.length === 10, 'early msgs accepted');
      await env.rx.waitFor(10);
      full = true;
      for (let n = 0; n < 10; n++) node('in').send({ payload: `refused-${n}` });
      await until(() => refused.length === 10, 'msgs refused on the full disk');
      assert.equal(accepted.length, 10);
      failing = false;
      await until(() => ok.length === 10, 'accepted msgs delivered while the disk is still full');
      assert.match(String((refused[0].error as { message: string }).message), /^(Error: )?printhooks-sender: disk full writing .*the msg was not stored; free space on that disk/);
      await until(() => statuses('s1').some((s) => /^red:disk full · queued \d+/.test(s)), 'a "disk full" status');
      full = false;
      node('in').send({ payload: 'after' });
      await until(() => ok.length === 11 && accepted.length === 11, 'accepted and delivered again, without a redeploy');
      await until(() => /^green:/.test(statuses('s1').at(-1) ?? ''), 'the status clears');
      await helper.unload();
      const bodies = env.rx.received.map((r) => r.body.toString());
      assert.deepEqual(bodies.filter((b) => b.startsWith('refused-')), []);
      const reopened = new Outbox(path.join(env.outboxDir, 's1'));
      assert.equal(reopened.count, 0, 'nothing refused or delivered is left to be sent after a restart');
      await reopened.close();
    });
  });
});

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
}
