import assert from 'node:assert/strict';
import { CrealityConnection, type CrealityListener, type LinkPhase } from '../../../../src/sources/creality/connection';
import type { CrealityState } from '../../../../src/sources/creality/merge';
import { FakeCreality } from '../../../fakes/creality/fake-creality';

async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

class Recorder implements CrealityListener {
  phases: LinkPhase[] = [];
  baselines: CrealityState[] = [];
  deltas: CrealityState[] = [];
  downs: Array<{ reason: string; silentMs: number }> = [];
  phase(phase: LinkPhase): void {
    this.phases.push(phase);
  }
  baseline(state: Readonly<CrealityState>): void {
    this.baselines.push({ ...state });
  }
  report(delta: Readonly<CrealityState>): void {
    this.deltas.push({ ...delta });
  }
  down(reason: string, silentMs: number): void {
    this.downs.push({ reason, silentMs });
  }
}

describe('creality: connection against a fake printer', () => {
  let fake: FakeCreality;
  let conn: CrealityConnection | undefined;
  const warnings: string[] = [];

  /** Connected, baselined, and the answer to the full-status request on open has arrived. */
  async function settled(rec: Recorder): Promise<void> {
    await until(() => rec.baselines.length >= 1 && fake.count('ReqPrinterPara') >= 1 && rec.deltas.length >= 1);
    rec.deltas.length = 0;
  }

  function connect(extra: Partial<ConstructorParameters<typeof CrealityConnection>[0]> = {}): Recorder {
    conn = new CrealityConnection({ host: '127.0.0.1', port: fake.port, backoff: { baseMs: 20, maxMs: 40 }, probeAfterMs: 60, deadAfterMs: 200, tickMs: 10, warn: (m) => warnings.push(m), ...extra });
    const recorder = new Recorder();
    conn.addListener(recorder);
    conn.start();
    return recorder;
  }

  beforeEach(async () => {
    warnings.length = 0;
    fake = new FakeCreality();
    await fake.listen();
  });
  afterEach(async () => {
    await conn?.stop();
    conn = undefined;
    await fake.close();
  });

  it('takes the first full status as the baseline, then merges the partial frames', async () => {
    const rec = connect();
    await settled(rec);
    assert.equal(rec.baselines[0].state, 2);
    assert.equal(rec.baselines[0].nozzleTemp, '24.50');
    assert.deepEqual(rec.phases.map((p) => p.phase), ['idle', 'connecting', 'ready']);
    fake.update({ printProgress: '37', layer: 41 });
    await until(() => rec.deltas.length === 1);
    assert.deepEqual(rec.deltas[0], { printProgress: '37', layer: 41 });
    assert.equal(conn!.status().state, 2);
    assert.equal(conn!.status().printProgress, '37');
  });

  it('waits for a status that holds `state` before the baseline, asking again while it waits', async () => {
    fake = new FakeCreality({ quietOnConnect: true });
    await fake.listen();
    fake.silent = true;
    const rec = connect({ deadAfterMs: 5000 });
    await until(() => fake.count('ReqPrinterPara') >= 2);
    fake.sendRaw(JSON.stringify({ nozzleTemp: '30.0' }));
    await until(() => conn!.status().nozzleTemp === '30.0');
    assert.equal(rec.baselines.length, 0, 'a status without `state` is merged, not a baseline');
    fake.silent = false;
    await until(() => rec.baselines.length === 1);
    assert.equal(rec.baselines[0].nozzleTemp, fake.status.nozzleTemp);
  });

  it('answers heart_beat with ok and ignores the printer\'s own ok', async () => {
    const rec = connect();
    await settled(rec);
    fake.sendRaw('ok');
    fake.heartBeat();
    await until(() => fake.okReceived === 1);
    assert.equal(rec.deltas.length, 0);
  });

  it('silence: keepalive probes, then the socket is given up, reconnected and baselined afresh', async () => {
    const rec = connect();
    await settled(rec);
    fake.sendRaw(JSON.stringify({ ghost: 1 }));
    await until(() => rec.deltas.length === 1);
    const probesBefore = fake.count('reqPrintObjects');
    fake.silent = true;
    await until(() => rec.downs.length === 1, 2000);
    assert.ok(fake.count('reqPrintObjects') > probesBefore, 'probed before giving up');
    assert.match(rec.downs[0].reason, /printer silent for/);
    assert.ok(rec.downs[0].silentMs >= 200);
    fake.silent = false;
    await until(() => rec.baselines.length === 2);
    assert.equal(rec.baselines[1].ghost, undefined, 'the cache of the old socket is not replayed');
    assert.ok(fake.upgrades >= 2);
  });

  it('malformed frames are skipped with one warning; an oversized one drops the socket, which comes back', async () => {
    const rec = connect();
    await settled(rec);
    fake.sendRaw('{"state":');
    fake.sendRaw('{"state":');
    fake.update({ layer: 3 });
    await until(() => rec.deltas.length === 1);
    assert.equal(warnings.filter((w) => /not JSON/.test(w)).length, 1);
    assert.equal(rec.downs.length, 0);
    fake.sendRaw(`{"x":"${'y'.repeat(300 * 1024)}"}`);
    await until(() => rec.downs.length === 1);
    assert.match(rec.downs[0].reason, /payload/i);
    await until(() => rec.baselines.length === 2);
  });

  it('a dropped socket is reported down once and reconnected', async () => {
    const rec = connect();
    await settled(rec);
    fake.dropClients();
    await until(() => rec.baselines.length === 2);
    assert.equal(rec.downs.length, 1);
    assert.ok(rec.phases.some((p) => p.phase === 'failed'));
  });

  it('a listener that throws is logged and does not stop the others', async () => {
    const rec = new Recorder();
    conn = new CrealityConnection({ host: '127.0.0.1', port: fake.port, warn: (m) => warnings.push(m) });
    conn.addListener({ phase: () => undefined, baseline: () => { throw new Error('boom'); }, report: () => undefined, down: () => undefined });
    conn.addListener(rec);
    conn.start();
    await until(() => rec.baselines.length === 1);
    assert.ok(warnings.some((w) => /a listener failed: boom/.test(w)));
  });

  it('shows a refused connection as a failed phase that names the cause', async () => {
    const port = fake.port;
    await fake.close();
    conn = new CrealityConnection({ host: '127.0.0.1', port, backoff: { baseMs: 1000 } });
    const rec = new Recorder();
    conn.addListener(rec);
    conn.start();
    await until(() => rec.phases.some((p) => p.phase === 'failed'));
    const failed = rec.phases.find((p) => p.phase === 'failed') as { message: string };
    assert.match(failed.message, /ECONNREFUSED/);
    fake = new FakeCreality();
    await fake.listen();
  });
});
