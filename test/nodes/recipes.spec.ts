import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { buildEvent, type EventType, type JobInfo, type PrinterEvent } from '../../src/event';
import { useSenderEnv } from './support/sender-env';
import { helper, nodeRedLine } from './helper';

// The shipped recipes (examples/Recipe - *.json) do what their comment says: their own filter, template,
// signer, sender and endpoint nodes, loaded as shipped, with the endpoint (or template URL) moved to a real
// loopback receiver and the printer events fed into the filter (the sources have their own tests).
const nodes = [
  require('../../nodes/printhooks-filter/printhooks-filter'),
  require('../../nodes/printhooks-template/printhooks-template'),
  require('../../nodes/printhooks-signer/printhooks-signer'),
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
];
const examplesDir = path.resolve(__dirname, '..', '..', 'examples');
type FlowNode = Record<string, unknown> & { id: string; type: string };

/** The recipe's PrintHooks nodes after its source, on one tab, with `change` applied to each. */
function recipe(file: string, change: (n: FlowNode) => FlowNode): FlowNode[] {
  const flow = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as FlowNode[];
  const kept = flow.filter((n) => /^printhooks-(filter|template|signer|sender|endpoint)$/.test(n.type));
  return [
    { id: 'tab', type: 'tab' },
    ...kept.map((n) => change(n.type === 'printhooks-endpoint' ? { ...n } : { ...n, z: 'tab', wires: (n.wires as string[][]).map((w) => w.filter((id) => kept.some((k) => k.id === id))) })),
  ];
}

const printer = { id: 'mk3s', name: 'Prusa MK3S', kind: 'octoprint' as const };
const ev = (type: EventType, job: Partial<JobInfo> = {}, extra: Partial<PrinterEvent> = {}): { topic: string; payload: PrinterEvent } => ({
  topic: type,
  payload: { ...buildEvent({ type, printer, job: { id: 'j-1', file: 'benchy.gcode', ...job }, discriminator: job.progress }), ...extra },
});

function filterOf(flow: FlowNode[]) {
  return helper.getNode(flow.find((n) => n.type === 'printhooks-filter')!.id);
}

describe(`shipped recipes deliver (Node-RED ${nodeRedLine})`, function () {
  this.timeout(20_000);
  const env = useSenderEnv({});

  it('ntfy at 25 %: started, 25, 50, 75, the "15 minutes left" one, done — each once, as ntfy JSON', async () => {
    const flow = recipe('Recipe - ntfy push at 25 % milestones.json', (n) =>
      n.type === 'printhooks-endpoint' ? { ...n, url: env.rx.url } : n.type === 'printhooks-sender' ? { ...n, retrySchedule: '0.05', jitter: 0 } : n);
    await helper.load(nodes, flow as never);
    const f = filterOf(flow);
    f.receive(ev('print.started'));
    // a printer reports over minutes; here a few ms apart, so the sender's coalescing of queued progress
    // (docs/delivery.md, "Scheduling") has nothing to merge
    for (let p = 1; p <= 99; p += 1) {
      f.receive(ev('print.progress', { progress: p, remaining_s: (100 - p) * 60 }));
      await new Promise((r) => setTimeout(r, 5));
    }
    f.receive(ev('print.done', { progress: 100 }));
    await env.rx.waitFor(6);
    await new Promise((r) => setTimeout(r, 300));
    const bodies = env.rx.received.map((r) => JSON.parse(r.body.toString()) as { topic: string; title: string; message: string });
    assert.ok(bodies.every((b) => b.topic === 'my-printer-demo'));
    assert.deepEqual(bodies.map((b) => b.message.split('\n')[0]).sort(), [
      'Print finished: benchy.gcode',
      'Print progress: benchy.gcode at 25%',
      'Print progress: benchy.gcode at 50%',
      'Print progress: benchy.gcode at 75%',
      'Print progress: benchy.gcode at 85% — 15m 00s left',
      'Print started: benchy.gcode',
    ]);
  });

  it('Discord on failure: only print.failed goes, to the webhook URL with the token from the credential', async () => {
    const flow = recipe('Recipe - Discord on a failed print, with the snapshot.json', (n) =>
      n.type === 'printhooks-template' ? { ...n, url: `${env.rx.url}/api/webhooks/YOUR-WEBHOOK-ID/{{$token}}` } : n.type === 'printhooks-sender' ? { ...n, retrySchedule: '0.05', jitter: 0 } : n);
    const tpl = flow.find((n) => n.type === 'printhooks-template')!;
    await helper.load(nodes, flow as never, { [tpl.id]: { token: 'Secret-Token_42' } } as never);
    const f = filterOf(flow);
    f.receive(ev('print.started'));
    f.receive(ev('print.done', { progress: 100 }));
    f.receive(ev('print.failed', { id: 'j-2', progress: 12 }, { error: { message: 'Heater extruder not heating' } }));
    await env.rx.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(env.rx.received.length, 1);
    const [got] = env.rx.received;
    assert.equal(got.path, '/api/webhooks/YOUR-WEBHOOK-ID/Secret-Token_42');
    const body = JSON.parse(got.body.toString()) as { embeds: Array<{ title: string; description: string }> };
    assert.equal(body.embeds[0].title, 'Print failed · Prusa MK3S');
    assert.match(body.embeds[0].description, /Heater extruder not heating/);
  });

  it('signed webhook to a farm: Standard Webhooks body, verified with the signer secret, lifecycle only', async () => {
    const secret = 'whsec_' + Buffer.from('recipe-farm-secret-of-32-bytes!!').toString('base64');
    const flow = recipe('Recipe - signed webhook to a print farm system.json', (n) =>
      n.type === 'printhooks-endpoint' ? { ...n, url: `${env.rx.url}/webhooks/printers` } : n.type === 'printhooks-sender' ? { ...n, retrySchedule: '0.05', jitter: 0 } : n);
    const signer = flow.find((n) => n.type === 'printhooks-signer')!;
    await helper.load(nodes, flow as never, { [signer.id]: { secrets: secret } } as never);
    const f = filterOf(flow);
    f.receive(ev('print.started'));
    f.receive(ev('print.progress', { progress: 50 }));
    f.receive(ev('print.done', { progress: 100 }));
    await env.rx.waitFor(2);
    await new Promise((r) => setTimeout(r, 300));
    const wh = new Webhook(secret);
    const types = env.rx.received.map((r) => (wh.verify(r.body, r.headers as Record<string, string>) as { type: string }).type);
    assert.deepEqual(types.sort(), ['print.done', 'print.started']);
  });
});
