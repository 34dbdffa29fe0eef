import assert from 'node:assert/strict';
import { PrusaLinkConnection, type LinkPhase, type PrusaLinkListener } from '../../../../src/sources/prusalink/connection';
import type { PrinterView } from '../../../../src/sources/prusalink/merge';
import { FakePrusaLink } from '../../../fakes/prusalink/fake-prusalink';

interface Heard {
  phases: LinkPhase[];
  baselines: PrinterView[];
  reports: PrinterView[];
  downs: number;
}

function listen(connection: PrusaLinkConnection): Heard {
  const heard: Heard = { phases: [], baselines: [], reports: [], downs: 0 };
  const listener: PrusaLinkListener = {
    phase: (p) => heard.phases.push(p),
    baseline: (v) => heard.baselines.push(v),
    report: (v) => heard.reports.push(v),
    down: () => (heard.downs += 1),
  };
  connection.addListener(listener);
  return heard;
}

async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('PrusaLinkConnection (the shared poller)', () => {
  let fake: FakePrusaLink;
  let connection: PrusaLinkConnection | undefined;

  afterEach(async () => {
    await connection?.stop();
    connection = undefined;
    await fake?.stop();
  });

  it('asks /api/version once, polls /api/v1/status, and /api/v1/job only when the job id changes', async () => {
    fake = await new FakePrusaLink({ latencyMs: 5 }).start();
    connection = new PrusaLinkConnection({ url: fake.url, auth: { apiKey: fake.apiKey }, pollMs: 30, fastPollMs: 30 });
    const heard = listen(connection);
    connection.start();
    await until(() => heard.baselines.length === 1);
    fake.startJob('cube.bgcode');
    fake.progress(10);
    await until(() => heard.reports.some((v) => v.job?.file === 'cube.bgcode'));
    const before = fake.requests.length;
    await until(() => fake.requests.length >= before + 4);
    fake.finish();
    await until(() => heard.reports.at(-1)?.state === 'FINISHED');
    assert.equal(fake.requests.filter((p) => p === '/api/version').length, 1);
    assert.equal(fake.requests.filter((p) => p === '/api/v1/job').length, 1);
    assert.equal(fake.maxInFlight, 1);
    assert.deepEqual(heard.baselines[0], { state: 'IDLE', bedTemp: 22 });
    assert.deepEqual(heard.phases.map((p) => p.phase), ['idle', 'connecting', 'ready']);
  });

  it('polls fast near the end of a job and at the normal interval otherwise', async () => {
    fake = await new FakePrusaLink().start();
    connection = new PrusaLinkConnection({ url: fake.url, auth: { apiKey: fake.apiKey }, pollMs: 400, fastPollMs: 20 });
    const heard = listen(connection);
    connection.start();
    await until(() => heard.baselines.length === 1);
    await new Promise((r) => setTimeout(r, 250));
    const idlePolls = heard.reports.length;
    fake.startJob();
    fake.progress(99);
    await until(() => heard.reports.length >= idlePolls + 1, 1000);
    const at = heard.reports.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(idlePolls <= 1, `idle: ${idlePolls} polls in 250 ms at a 400 ms interval`);
    assert.ok(heard.reports.length - at >= 3, `near the end: ${heard.reports.length - at} polls in 400 ms`);
  });

  it('the printer going away: down once, backoff, and a new baseline when it is back', async () => {
    fake = await new FakePrusaLink().start();
    connection = new PrusaLinkConnection({ url: fake.url, auth: { apiKey: fake.apiKey }, pollMs: 20, backoff: { baseMs: 30, maxMs: 60 } });
    const heard = listen(connection);
    connection.start();
    await until(() => heard.baselines.length === 1);
    const port = fake.port;
    await fake.stop();
    await until(() => heard.phases.at(-1)?.phase === 'failed');
    const failedPhase = heard.phases.at(-1) as Extract<LinkPhase, { phase: 'failed' }>;
    assert.equal(failedPhase.problem, 'unreachable');
    fake = await new FakePrusaLink().start(port);
    await until(() => heard.baselines.length === 2);
    assert.equal(heard.downs, 1);
    assert.equal(heard.phases.at(-1)?.phase, 'ready');
    assert.equal(fake.requests[0], '/api/version', 'a reconnect identifies the printer again');
  });

  it('a rejected credential: red phase naming the field, then the slow lane (no request storm)', async () => {
    fake = await new FakePrusaLink({ flavour: 'pi' }).start();
    connection = new PrusaLinkConnection({ url: fake.url, auth: { apiKey: 'wrong' }, pollMs: 10, backoff: { baseMs: 10, maxMs: 5000 } });
    const heard = listen(connection);
    connection.start();
    await until(() => heard.phases.at(-1)?.phase === 'failed');
    await new Promise((r) => setTimeout(r, 200));
    const failed = heard.phases.at(-1) as Extract<LinkPhase, { phase: 'failed' }>;
    assert.deepEqual([failed.problem, failed.short], ['auth', 'apiKey rejected']);
    assert.equal(fake.attempts, 1);
  });

  it('hostile answers (huge, deeply nested, not JSON, wrong types) are refused, logged once, and polling goes on', async () => {
    fake = await new FakePrusaLink().start();
    const warnings: string[] = [];
    connection = new PrusaLinkConnection({ url: fake.url, auth: { apiKey: fake.apiKey }, pollMs: 10, backoff: { baseMs: 10, maxMs: 20 }, warn: (m) => warnings.push(m) });
    const heard = listen(connection);
    connection.start();
    await until(() => heard.baselines.length === 1);
    const hostile = ['x'.repeat(300 * 1024), '['.repeat(5000) + ']'.repeat(5000), Buffer.from([0xc3, 0x28]), '{"printer": {"state": 7, "temp_bed": "hot"}, "job": []}'];
    for (const body of hostile.slice(0, 3)) {
      fake.statusOverride = body;
      await until(() => heard.phases.at(-1)?.phase === 'failed');
      assert.equal((heard.phases.at(-1) as Extract<LinkPhase, { phase: 'failed' }>).problem, 'protocol');
      fake.statusOverride = undefined;
      await until(() => heard.phases.at(-1)?.phase === 'ready');
    }
    fake.statusOverride = hostile[3];
    const reports = heard.reports.length;
    await until(() => heard.reports.length > reports + 1);
    assert.deepEqual(heard.reports.at(-1), {});
    assert.equal(warnings.filter((w) => /larger than/.test(w) && !/restored/.test(w)).length, 1);
    assert.ok(warnings.some((w) => /nested deeper/.test(w)) && warnings.some((w) => /not UTF-8/.test(w)), warnings.join('\n'));
  });

  it('stop() ends polling: no request afterwards', async () => {
    fake = await new FakePrusaLink().start();
    connection = new PrusaLinkConnection({ url: fake.url, auth: { apiKey: fake.apiKey }, pollMs: 10 });
    const heard = listen(connection);
    connection.start();
    await until(() => heard.reports.length >= 2);
    await connection.stop();
    const count = fake.attempts;
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(fake.attempts, count);
  });
});
