// Issue 14 fault suite, Node-RED as a process: kill -9 at random points while msgs stream into a sender
// and into a second sender with the same id (a duplicate), restart each time. Every msg the sender
// acknowledged (done()) is delivered, and no msg refused with done(err) is ever delivered
// (docs/delivery.md, "One owner per outbox", "Disk faults").
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { seededRandom } from '../core/delivery/seeded-random';
import { NodeRedProcess, ensureBuilt } from './support/node-red-process';
import { until } from './support/until';

/** Collects ids of the msgs a complete/catch node saw and reports them in batches to `url` (lost at a kill: fine, a subset). */
function reporter(id: string, z: string, url: string): object[] {
  return [
    {
      id, type: 'function', z, outputs: 1, libs: [],
      func: [
        "const buf = context.get('buf') || [];",
        'buf.push(msg.payload.id);',
        "context.set('buf', buf);",
        "if (!context.get('armed')) {",
        "  context.set('armed', true);",
        "  setTimeout(() => { const b = context.get('buf'); context.set('buf', []); context.set('armed', false); node.send({ payload: b }); }, 30);",
        '}',
        'return null;',
      ].join('\n'),
      wires: [[`${id}_post`]],
    },
    { id: `${id}_post`, type: 'http request', z, method: 'POST', ret: 'txt', url, tls: '', persist: false, wires: [[]] },
  ];
}

/**
 * Two tabs with a sender of the same id 's1'. A generator on tab 1 streams `count` msgs to each: to its own
 * s1 and, through a link, to the duplicate on tab 2. Accepted ids are reported to /accepted, refused to /refused.
 */
function faultFlow(receiverUrl: string, run: number, count: number): object[] {
  const sender = (z: string) => ({
    id: 's1', type: 'printhooks-sender', z, endpoint: 'ep', concurrency: 4, ordered: false,
    retrySchedule: '0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5', jitter: 0, overloadDelay: 0.5, version: 1, wires: [[], []],
  });
  const flows: object[] = [
    { id: 'tab1', type: 'tab', label: 'first' },
    { id: 'tab2', type: 'tab', label: 'duplicate' },
    { id: 'ep', type: 'printhooks-endpoint', name: 'receiver', url: `${receiverUrl}/hook`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },
    sender('tab1'),
    sender('tab2'),
    { id: 'lin2', type: 'link in', z: 'tab2', links: [], wires: [['s1']] },
    { id: 'cmp', type: 'complete', z: 'tab1', scope: ['s1'], uncaught: false, wires: [['acc']] },
    ...reporter('acc', 'tab1', `${receiverUrl}/accepted`),
    { id: 'cat2', type: 'catch', z: 'tab2', scope: null, uncaught: false, wires: [['ref']] },
    ...reporter('ref', 'tab2', `${receiverUrl}/refused`),
  ];
  if (count === 0) return flows;
  flows.push(
    { id: 'inj', type: 'inject', z: 'tab1', once: true, onceDelay: 0.3, repeat: '', topic: '', payload: '', payloadType: 'date', props: [{ p: 'payload' }], wires: [['gen']] },
    {
      id: 'gen', type: 'function', z: 'tab1', outputs: 2, libs: [],
      func: [
        'let i = 0;',
        'const timer = setInterval(() => {',
        `  for (let k = 0; k < 8 && i < ${count}; k++, i++) {`,
        `    node.send([{ payload: { id: 'r${run}_a_' + i, type: 'print.progress' } }, { payload: { id: 'r${run}_b_' + i, type: 'print.progress' } }]);`,
        '  }',
        `  if (i >= ${count}) clearInterval(timer);`,
        '}, 10);',
        'return null;',
      ].join('\n'),
      wires: [['s1'], ['lout']],
    },
    { id: 'lout', type: 'link out', z: 'tab1', mode: 'link', links: ['lin2'], wires: [] },
  );
  return flows;
}

describe('e2e: sender fault suite — kill -9 at random points, duplicate ids (Node-RED 4.1 child process)', function () {
  this.timeout(150000);
  const RUNS = 2;
  const COUNT = 800;
  let userDir: string;
  let rx: FakeReceiver;
  let red: NodeRedProcess | undefined;

  before(() => ensureBuilt());
  beforeEach(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-e2e-faults-'));
    rx = await new FakeReceiver().start();
  });
  afterEach(async () => {
    await red?.stop();
    await rx.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('0 accepted msgs lost and 0 refused msgs delivered', async () => {
    const random = seededRandom(14);
    rx.answer((req) => (req.path === '/hook' ? { delayMs: 2 } : { status: 200 }));
    const idsAt = (p: string): string[] =>
      rx.received.filter((r) => r.path === p).flatMap((r) => (p === '/hook' ? [JSON.parse(r.body.toString()).id as string] : (JSON.parse(r.body.toString()) as string[])));
    const kills: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      red = new NodeRedProcess({ userDir, flows: faultFlow(rx.url, run, COUNT), label: `run ${run}` });
      await red.start();
      // a random point: while msgs stream in, or during the backlog after them
      const waitMs = 700 + Math.floor(random() * 1500);
      await new Promise((r) => setTimeout(r, waitMs));
      await red.kill();
      kills.push(`${waitMs} ms (${idsAt('/accepted').length} acked, ${idsAt('/hook').length} delivered so far)`);
    }
    red = new NodeRedProcess({ userDir, flows: faultFlow(rx.url, RUNS, 0), label: 'final run' });
    await red.start();
    const accepted = new Set(idsAt('/accepted'));
    const refused = new Set(idsAt('/refused'));
    assert.ok(accepted.size > 0 && refused.size > 0, `the suite saw both (${accepted.size} accepted, ${refused.size} refused)`);
    await until(() => [...accepted].every((id) => new Set(idsAt('/hook')).has(id)), 60000, 'every acknowledged msg delivered');
    await new Promise((r) => setTimeout(r, 300));
    const delivered = new Set(idsAt('/hook'));
    const lost = [...accepted].filter((id) => !delivered.has(id));
    const refusedDelivered = [...refused].filter((id) => delivered.has(id));
    const fromDuplicate = [...delivered].filter((id) => /_b_/.test(id));
    console.log(`      kills at ${kills.join('; ')}; ${accepted.size} acknowledged, ${refused.size} refused, ${delivered.size} delivered: ${lost.length} lost, ${refusedDelivered.length} refused delivered`);
    assert.deepEqual(lost, []);
    assert.deepEqual(refusedDelivered, []);
    assert.deepEqual(fromDuplicate, [], 'the duplicate never delivered anything');
    assert.match(red.output, /already in use by another running node with the same id "s1"/);
  });
});
