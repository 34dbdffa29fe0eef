import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { helper } from './helper';
import { senderFlow, useSenderEnv } from './support/sender-env';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
let nodes = [endpointNode, senderNode];

/** The endpoint node's modules loaded afresh, as after a Node-RED restart (it remembers which endpoints it started). */
function endpointAfterRestart(): unknown {
  for (const file of ['../../nodes/printhooks-endpoint/endpoint-limits-glue', '../../nodes/printhooks-endpoint/printhooks-endpoint']) delete require.cache[require.resolve(file)];
  return require('../../nodes/printhooks-endpoint/printhooks-endpoint');
}

type Msg = Record<string, unknown> & { delivery?: Record<string, unknown>; payload?: Record<string, unknown> };
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };

const node = (id: string) => helper.getNode(id) as unknown as TestNode;
const load = (flow: object[], credentials: object = {}) => helper.load(nodes, flow as never, credentials as never);

/** Collects the msgs a helper node receives. */
function collect(id: string): Msg[] {
  const got: Msg[] = [];
  node(id).on('input', (msg: never) => got.push(msg as Msg));
  return got;
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const doneEvent = (printer: string) => {
  const event = { id: `evt_done_${printer}_${Math.random().toString(16).slice(2)}`, type: 'print.done', printer: { id: printer, name: printer, kind: 'test' }, job: { id: `${printer}-job` } };
  return { payload: event, event, topic: 'print.done' };
};

describe('printhooks-sender: endpoint health output, re-enable by msg, retry now, a changed endpoint', () => {
  const env = useSenderEnv({ signerWaitMs: 50, statusIntervalMs: 5 }, (outboxDir) => ({ endpoint: { probeMs: 100, healthDir: path.join(outboxDir, 'endpoint-health') } }));
  const healthFile = (id: string) => path.join(env.outboxDir, 'endpoint-health', `${id}.json`);

  function flow(endpoint: Record<string, unknown> = {}, sender: Record<string, unknown> = {}) {
    return senderFlow(env.rx, endpoint, { concurrency: 1, retrySchedule: '0.02,0.02,0.02,0.02,0.02,0.02,0.02,0.02', version: 3, ...sender }, ['ok', 'dead', 'health']);
  }

  afterEach(() => {
    nodes = [endpointNode, senderNode];
  });

  it('the breaker opens after the endpoint\'s failure count and closes on success: one msg each on the health output', async () => {
    env.rx.answer((_r, index) => ({ status: index < 3 ? 503 : 204 }));
    await load(flow({ breakerFailures: 2 }));
    const health = collect('health');
    const ok = collect('ok');
    const statuses: Array<{ fill?: string; shape?: string; text?: string }> = [];
    node('s1').on('call:status', (call: never) => statuses.push((call as { args: [{ fill?: string; shape?: string; text?: string }] }).args[0]));
    node('s1').receive(doneEvent('A'));
    await until(() => ok.length === 1, 'delivered after the probe');
    assert.ok(statuses.some((st) => st.fill === 'yellow' && st.shape === 'ring' && st.text === 'paused: failing, probing · queued 1'), JSON.stringify(statuses));
    assert.deepEqual(health.map((m) => m.topic), ['endpoint.opened', 'endpoint.closed']);
    const opened = health[0].payload!;
    assert.equal(opened.endpoint, 'ep');
    assert.equal(opened.state, 'open');
    assert.equal(opened.consecutiveFailures, 2);
    assert.equal(opened.queued, 1);
    assert.ok(typeof opened.nextProbeAt === 'string');
    assert.equal(health[1].payload!.state, 'closed');
  });

  it('a flow saved with two outputs keeps its wires: delivered on 1, dead letters on 2, health msgs go nowhere', async () => {
    env.rx.answer((_r, index) => ({ status: index === 0 ? 422 : index < 4 ? 503 : 204 }));
    await load(flow({ breakerFailures: 2 }, { version: 1, retrySchedule: '0.02,0.02,0.02,0.02', wires: [['ok'], ['dead']] }));
    const ok = collect('ok');
    const dead = collect('dead');
    const health = collect('health');
    node('s1').receive(doneEvent('A'));
    await until(() => dead.length === 1, 'the 422 dead letter on output 2');
    node('s1').receive(doneEvent('B'));
    await until(() => ok.length === 1, 'delivered on output 1 after the breaker closed');
    assert.equal(dead[0].delivery!.status, 422);
    assert.equal(ok[0].delivery!.status, 204);
    assert.equal(health.length, 0);
  });

  it('disabled after failing for the window: red status, endpoint.disabled; msg.enable re-enables and the queue goes at once', async () => {
    let failing = true;
    env.rx.answer(() => ({ status: failing ? 500 : 204 }));
    // 0.0001 h = 360 ms of only failures
    await load(flow({ breakerFailures: 0, disableAfter: 0.0001 }, { retrySchedule: Array(60).fill('0.05').join(',') }));
    const health = collect('health');
    const ok = collect('ok');
    const statuses: Array<{ fill?: string; text?: string }> = [];
    node('s1').on('call:status', (call: never) => statuses.push((call as { args: [{ fill?: string; text?: string }] }).args[0]));
    node('s1').receive(doneEvent('A'));
    await until(() => health.some((m) => m.topic === 'endpoint.disabled'), 'disabled');
    const disabled = health.find((m) => m.topic === 'endpoint.disabled')!.payload!;
    assert.equal(disabled.state, 'disabled');
    assert.match(String(disabled.reason), /^only failures for \d+ min \(last: HTTP 500\)$/);
    await until(() => statuses.some((s) => s.fill === 'red' && /^disabled \(failing\) · queued 1/.test(String(s.text))), 'red status');
    const log = await helper.request().get('/printhooks-sender/s1/log').expect(200);
    assert.equal(log.body.health.state, 'disabled');
    assert.equal(log.body.nextAttemptAt, undefined);
    const sent = env.rx.received.length;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(env.rx.received.length, sent, 'nothing sent while disabled');
    failing = false;
    node('s1').receive({ enable: true });
    await until(() => ok.length === 1, 'delivered after msg.enable');
    assert.ok(health.some((m) => m.topic === 'endpoint.enabled'));
    assert.equal(env.rx.received.length, sent + 1, 'the control msg itself is not sent');
  });

  it('the disabled state outlasts a restart (nothing is sent), and a redeploy re-enables', async () => {
    env.rx.answer(() => ({ status: 500 }));
    const endpoint = { breakerFailures: 0, disableAfter: 0.0001 };
    const sender = { retrySchedule: Array(60).fill('0.05').join(',') };
    await load(flow(endpoint, sender));
    const health = collect('health');
    node('s1').receive(doneEvent('A'));
    await until(() => health.some((m) => m.topic === 'endpoint.disabled'), 'disabled');
    const file = healthFile('ep');
    await until(() => fs.existsSync(file) && /disabledSince/.test(fs.readFileSync(file, 'utf8')), 'kept on disk');
    await helper.unload();
    // a restart: the endpoint comes back disabled and the queued msg is not sent
    env.rx.answer(() => ({ status: 204 }));
    const sent = env.rx.received.length;
    nodes = [endpointAfterRestart(), senderNode];
    await load(flow(endpoint, sender));
    const log = await helper.request().get('/printhooks-sender/s1/log').expect(200);
    assert.equal(log.body.health.state, 'disabled');
    assert.equal(log.body.queued, 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(env.rx.received.length, sent);
    await helper.unload();
    // a redeploy (the same process starts the endpoint again): enabled, the msg goes
    await load(flow(endpoint, sender));
    const ok = collect('ok');
    await until(() => ok.length === 1, 'delivered after the redeploy');
    await until(() => !fs.existsSync(file), 'nothing left to keep');
  });

  it('retry now (admin route and msg.retryNow): a msg waiting an hour for its retry goes at once', async () => {
    env.rx.reply({ status: 503 }, { status: 503 });
    await load(flow({}, { retrySchedule: '3600,3600' }));
    const ok = collect('ok');
    node('s1').receive(doneEvent('A'));
    await env.rx.waitFor(1);
    await until(() => env.rx.received.length === 1, 'first attempt');
    const before = await helper.request().get('/printhooks-sender/s1/log').expect(200);
    assert.ok(Date.parse(before.body.nextAttemptAt) > Date.now() + 3000_000, before.body.nextAttemptAt);
    const answer = await helper.request().post('/printhooks-sender/s1/retry-now').expect(200);
    assert.equal(answer.body.queued, 1);
    await env.rx.waitFor(2);
    // the second answer was 503 again: waiting an hour; the msg form of "retry now"
    let waiting = false;
    while (!waiting) {
      const log = await helper.request().get('/printhooks-sender/s1/log').expect(200);
      waiting = log.body.inFlight === 0 && Date.parse(log.body.nextAttemptAt) > Date.now() + 3000_000;
    }
    node('s1').receive({ retryNow: true });
    await until(() => ok.length === 1, 'delivered after msg.retryNow');
    assert.equal(ok[0].delivery!.attempts, 3);
    await helper.request().post('/printhooks-sender/nope/retry-now').expect(404);
  });

  it('changing the endpoint and redeploying retries its queue at once (issue 15)', async () => {
    env.rx.answer((req) => ({ status: req.path === '/fixed' ? 204 : 503 }));
    await load(flow({ url: `${env.rx.url}/wrong` }, { retrySchedule: '3600' }));
    node('s1').receive(doneEvent('A'));
    await env.rx.waitFor(1);
    await helper.unload();
    // the same endpoint redeployed unchanged: the msg keeps waiting for its scheduled retry
    await load(flow({ url: `${env.rx.url}/wrong` }, { retrySchedule: '3600' }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(env.rx.received.length, 1);
    await helper.unload();
    await load(flow({ url: `${env.rx.url}/fixed` }, { retrySchedule: '3600' }));
    const ok = collect('ok');
    await until(() => ok.length === 1, 'delivered at once to the fixed url', 3000);
    assert.deepEqual(env.rx.received.map((r) => r.path), ['/wrong', '/fixed']);
  });

  it('the endpoint\'s rate limit paces a burst: custom 2 per second', async () => {
    await load(flow({ rateLimit: 'custom', rateRequests: '2', ratePeriod: '1', rateBurst: '2' }, { concurrency: 4 }));
    const ok = collect('ok');
    for (const p of ['A', 'B', 'C', 'D', 'E']) node('s1').receive(doneEvent(p));
    await until(() => ok.length === 5, 'all delivered', 5000);
    const at = env.rx.received.map((r) => r.at);
    // 2 at once, 2 a second later, the 5th a second after that
    assert.ok(at[2] - at[0] >= 950 && at[4] - at[0] >= 1950, `${at.map((t) => t - at[0])}`);
    const log = await helper.request().get('/printhooks-sender/s1/log').expect(200);
    assert.deepEqual(log.body.health.rateLimit.rules, [{ requests: 2, periodMs: 1000, burst: 2 }]);
  });

  it('a bad rate-limit field names itself and the sender refuses msgs', async () => {
    await load(flow({ rateLimit: 'custom', rateRequests: 'lots' }));
    const log = await helper.request().get('/printhooks-sender/s1/log');
    assert.equal(log.status, 404);
    const ep = helper.getNode('ep') as unknown as { problem?: string };
    assert.match(String(ep.problem), /rateRequests "lots" must be a number/);
  });
});
