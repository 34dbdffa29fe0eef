import assert from 'node:assert/strict';
import { MoonrakerConnection, type LinkPhase } from '../../../../src/sources/moonraker/connection';
import { probeMoonraker } from '../../../../src/sources/moonraker/probe';
import { fetchMoonrakerSnapshot, findSnapshotUrl } from '../../../../src/sources/moonraker/snapshot';
import { parseMoonrakerUrl } from '../../../../src/sources/moonraker/url';
import { RpcCallError } from '../../../../src/sources/moonraker/jsonrpc';
import { FakeMoonraker } from '../../../fakes/moonraker/fake-moonraker';

async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('moonraker connection', () => {
  let fake: FakeMoonraker;
  let conn: MoonrakerConnection | undefined;
  afterEach(async () => {
    await conn?.stop();
    conn = undefined;
    await fake.close();
  });

  function connect(options: { apiKey?: string } = {}): { phases: LinkPhase[] } {
    const phases: LinkPhase[] = [];
    conn = new MoonrakerConnection({ url: fake.url, apiKey: options.apiKey, backoff: { baseMs: 20, maxMs: 60 }, klippyRetryMs: 40, requestTimeoutMs: 500 });
    conn.addListener({ phase: (p) => phases.push(p) });
    conn.start();
    return { phases };
  }

  it('identifies, asks server.info until Klippy leaves startup, then lists and subscribes', async () => {
    fake = new FakeMoonraker();
    fake.klippyState = 'startup';
    await fake.listen();
    const { phases } = connect();
    await until(() => fake.count('server.info') >= 2);
    assert.equal(fake.count('printer.objects.subscribe'), 0);
    assert.ok(phases.some((p) => p.phase === 'klippy' && p.klippyState === 'startup'));
    fake.klippyState = 'ready';
    await until(() => conn!.isReady);
    const order = fake.requests.map((r) => r.method).filter((m, i, all) => all.indexOf(m) === i);
    assert.deepEqual(order, ['server.connection.identify', 'server.info', 'printer.objects.list', 'printer.objects.subscribe']);
    assert.deepEqual(conn!.objects().print_stats.state, 'standby');
    assert.equal(conn!.moonrakerVersion, fake.version);
    assert.equal(conn!.hasHistory, true);
  });

  it('sends the API key in identify too, and fails clearly when identify is refused', async () => {
    fake = new FakeMoonraker({ identifyError: true });
    await fake.listen();
    const { phases } = connect({ apiKey: 'k' });
    await until(() => phases.some((p) => p.phase === 'failed' && /identify failed/.test(p.message)));
    assert.equal((fake.requests[0].params as Record<string, unknown>).api_key, 'k');
    assert.equal(fake.count('server.info'), 0);
  });

  it('works with a Moonraker too old to know identify', async () => {
    fake = new FakeMoonraker({ noIdentify: true });
    await fake.listen();
    connect();
    await until(() => conn!.isReady);
    assert.equal(fake.count('printer.objects.subscribe'), 1);
  });

  it('reconnects with backoff after the socket drops and subscribes again', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    const downs: string[] = [];
    connect();
    conn!.addListener({ down: (r) => downs.push(r) });
    await until(() => conn!.isReady);
    fake.dropClients();
    await until(() => fake.count('printer.objects.subscribe') === 2 && conn!.isReady);
    assert.equal(downs.length, 1);
    assert.equal(fake.upgrades, 2);
  });

  it('rejects calls with Moonraker error codes and when not connected', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    connect();
    await until(() => conn!.isReady);
    await assert.rejects(conn!.call('no.such.method'), (err: unknown) => err instanceof RpcCallError && err.code === -32601);
    await conn!.stop();
    await assert.rejects(conn!.call('server.info'), /not connected/);
  });

  it('stops within a second and stays stopped', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    connect();
    await until(() => conn!.isReady);
    const started = Date.now();
    await conn!.stop();
    assert.ok(Date.now() - started < 1000);
    await until(() => fake.clientCount === 0, 1000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.upgrades, 1);
    assert.equal(conn!.phase.phase, 'idle');
  });

  it('a listener that throws is logged and the connection keeps serving the others', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    const warnings: string[] = [];
    conn = new MoonrakerConnection({ url: fake.url, backoff: { baseMs: 20 }, klippyRetryMs: 40, warn: (m) => warnings.push(m) });
    const seen: string[] = [];
    conn.addListener({ status: () => { throw new Error('listener bug'); }, gcode: () => { throw new Error('listener bug'); } });
    conn.addListener({ status: () => seen.push('status'), gcode: (line) => seen.push(line) });
    conn.start();
    await until(() => conn!.isReady);
    fake.update({ extruder: { temperature: 30 } });
    fake.gcode('// hello');
    await until(() => seen.length === 2);
    assert.deepEqual(seen, ['status', '// hello']);
    assert.equal(warnings.filter((w) => w.includes('listener bug')).length, 1);
    assert.ok(conn.isReady);
  });

  it('a listener added to a ready connection gets a baseline at once', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    connect();
    await until(() => conn!.isReady);
    let baseline: unknown;
    conn!.addListener({ baseline: (o) => (baseline = o) });
    assert.equal((baseline as Record<string, Record<string, unknown>>).print_stats.state, 'standby');
  });
});

describe('moonraker probe and snapshot', () => {
  let fake: FakeMoonraker;
  afterEach(async () => fake.close());

  it('probe reports version and Klippy state, or the Klippy message', async () => {
    fake = new FakeMoonraker();
    await fake.listen();
    const ok = await probeMoonraker(fake.url, undefined, 2000);
    assert.deepEqual({ ok: ok.ok, version: ok.version, state: ok.state }, { ok: true, version: fake.version, state: 'ready' });
    fake.klippyState = 'shutdown';
    fake.stateMessage = 'Lost communication with MCU';
    const halted = await probeMoonraker(fake.url, undefined, 2000);
    assert.equal(halted.ok, false);
    assert.match(halted.message, /Klippy is shutdown: Lost communication with MCU/);
    fake.klippyState = 'disconnected';
    assert.match((await probeMoonraker(fake.url, undefined, 2000)).message, /Klippy is not running/);
  });

  it('finds the first enabled webcam and resolves a relative URL against port 80', async () => {
    fake = new FakeMoonraker({ apiKey: 'k' });
    await fake.listen();
    fake.webcams = [
      { name: 'a', enabled: false, snapshot_url: '/a' },
      { name: 'b', enabled: true, snapshot_url: '' },
      { name: 'c', enabled: true, snapshot_url: '/webcam/?action=snapshot' },
    ];
    const endpoint = parseMoonrakerUrl(fake.url);
    assert.equal(await findSnapshotUrl({ endpoint, apiKey: 'k' }), 'http://127.0.0.1/webcam/?action=snapshot');
    fake.webcams = [{ name: 'c', enabled: true, snapshot_url: `${fake.url}/webcam/?action=snapshot` }];
    assert.deepEqual(await fetchMoonrakerSnapshot({ endpoint, apiKey: 'k' }), fake.snapshotBytes);
    fake.webcams = [];
    await assert.rejects(fetchMoonrakerSnapshot({ endpoint, apiKey: 'k' }), /no enabled webcam/);
    await assert.rejects(findSnapshotUrl({ endpoint, apiKey: 'wrong' }), /401/);
  });
});
