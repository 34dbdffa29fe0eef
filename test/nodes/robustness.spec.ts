import assert from 'node:assert/strict';
import { buildEvent } from '../../src/event';
import { useSenderEnv } from './support/sender-env';
import { helper, nodeRedLine } from './helper';

// Bad input never crashes Node-RED: every node with an input gets a storm of malformed msgs
// (an uncaught exception would fail this test through mocha's handler), then must still work.
const nodes = [
  require('../../nodes/printhooks-filter/printhooks-filter'),
  require('../../nodes/printhooks-template/printhooks-template'),
  require('../../nodes/printhooks-signer/printhooks-signer'),
  require('../../nodes/printhooks-verify/printhooks-verify'),
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
];

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function garbage(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 16);
  switch (pick) {
    case 0: return null;
    case 1: return undefined;
    case 2: return r() * 1e12 - 5e11;
    case 3: return Number.NaN;
    case 4: return '';
    case 5: return 'x'.repeat(Math.floor(r() * 3000));
    case 6: return Buffer.from([0xff, 0xfe, 0x00, 0x7b]);
    case 7: return true;
    case 8: return [garbage(r, depth + 1), garbage(r, depth + 1)];
    case 9: { const o: Record<string, unknown> = { a: 1 }; o.self = o; return o; }
    case 10: return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}');
    case 11: return { type: 'print.done', printer: garbage(r, depth + 1), job: garbage(r, depth + 1) };
    case 12: return { type: ['print.done'], printer: { id: {} }, id: 42 };
    case 13: return 'print.done {{job.file}} {{__proto__.x}} \\{{';
    case 14: return depth > 3 ? 1 : { nested: garbage(r, depth + 1), headers: garbage(r, depth + 1) };
    default: return 10n;
  }
}

describe(`robustness: malformed msgs never crash Node-RED (Node-RED ${nodeRedLine})`, function () {
  this.timeout(30_000);
  const env = useSenderEnv();
  afterEach(() => assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution'));

  it('filter, template, signer, verify and sender survive 300 malformed msgs each and still work', async () => {
    const flow = [
      { id: 'flt', type: 'printhooks-filter', version: 1, wires: [['out']] },
      { id: 'tpl', type: 'printhooks-template', preset: 'custom', body: '{"t":"{{type}}","f":"{{job.file}}"}', contentType: 'json', version: 1, wires: [['out']] },
      { id: 'sig', type: 'printhooks-signer', scheme: 'standard-webhooks', version: 1, wires: [['out']] },
      { id: 'ver', type: 'printhooks-verify', scheme: 'standard-webhooks', version: 1, wires: [['out'], ['out']] },
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/hook`, version: 1 },
      { id: 'snd', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', jitter: 0, version: 1, wires: [['out'], ['out']] },
      { id: 'out', type: 'helper' },
    ];
    const secret = 'whsec_' + Buffer.from('robustness-secret-32-bytes-long!').toString('base64');
    await helper.load(nodes, flow as never, { sig: { secrets: secret }, ver: { secrets: secret } } as never);
    const r = rng(20261123);
    for (const id of ['flt', 'tpl', 'sig', 'ver', 'snd']) {
      const node = helper.getNode(id);
      for (let i = 0; i < 300; i += 1) {
        node.receive({ payload: garbage(r), headers: garbage(r), event: garbage(r), webhook: garbage(r), url: garbage(r), method: garbage(r), req: garbage(r) } as never);
      }
    }
    await new Promise((res) => setTimeout(res, 500));

    // Every node still handles a good msg after the storm.
    const outputs: Array<{ payload: unknown }> = [];
    helper.getNode('out').on('input', (m: unknown) => outputs.push(m as { payload: unknown }));
    const event = buildEvent({ type: 'print.done', printer: { id: 'p1', name: 'Ender', kind: 'octoprint' }, job: { id: 'j1', file: 'benchy.gcode' } });
    helper.getNode('flt').receive({ payload: event } as never);
    helper.getNode('tpl').receive({ payload: event } as never);
    helper.getNode('sig').receive({ payload: event, event } as never);
    await new Promise((res) => setTimeout(res, 300));
    assert.ok(outputs.some((m) => (m.payload as { type?: string })?.type === 'print.done'), 'filter passed the good event');
    assert.ok(outputs.some((m) => typeof m.payload === 'object' && (m.payload as { t?: string })?.t === 'print.done'), 'template rendered the good event');
    assert.ok(outputs.some((m) => typeof m.payload === 'string' && (m.payload as string).includes('benchy.gcode')), 'signer serialised the good event');
  });
});
