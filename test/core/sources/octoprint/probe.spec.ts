import assert from 'node:assert/strict';
import { probeOctoPrint } from '../../../../src/sources/octoprint/probe';
import { FakeOctoPrint } from '../../../fakes/octoprint/fake-octoprint';

describe('octoprint probe (Test connection)', () => {
  let fake: FakeOctoPrint;
  afterEach(async () => fake.stop());

  it('reports the version, the printer state and the user', async () => {
    fake = await new FakeOctoPrint({ prefix: '/op', version: '1.10.3' }).start();
    fake.setPrinting('a.gcode', 5);
    assert.deepEqual(await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey }), {
      ok: true,
      message: 'Connected to OctoPrint 1.10.3 as alice, printer: Printing',
      version: '1.10.3',
      state: 'Printing',
    });
  });

  it('warns when OctoPrint runs in safe mode', async () => {
    fake = await new FakeOctoPrint().start();
    fake.safemode = 'settings';
    const result = await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey });
    assert.ok(result.ok && result.message.endsWith('; but OctoPrint runs in safe mode (settings): third-party plugins are disabled'), JSON.stringify(result));
  });

  it('says when OctoPrint has no printer connected', async () => {
    fake = await new FakeOctoPrint().start();
    fake.printerConnected = false;
    const result = await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey });
    assert.ok(result.ok && result.state === 'printer not connected');
  });

  it('names each problem: rejected key, global key, unreachable, empty key, bad url', async () => {
    fake = await new FakeOctoPrint({ globalKey: 'glob' }).start();
    assert.deepEqual(await probeOctoPrint({ url: fake.url, apiKey: 'nope' }), { ok: false, problem: 'auth', message: 'API key rejected' });
    const global = await probeOctoPrint({ url: fake.url, apiKey: 'glob' });
    assert.ok(!global.ok && global.problem === 'auth' && /user or application key/.test(global.message));
    assert.deepEqual(await probeOctoPrint({ url: fake.url, apiKey: '  ' }), { ok: false, problem: 'config', message: 'API key is empty' });
    const bad = await probeOctoPrint({ url: 'octopi', apiKey: 'k' });
    assert.ok(!bad.ok && bad.problem === 'config' && /not a valid address/.test(bad.message));
    const port = fake.port;
    await fake.stop();
    const down = await probeOctoPrint({ url: `http://127.0.0.1:${port}`, apiKey: 'k' });
    assert.ok(!down.ok && down.problem === 'unreachable' && /ECONNREFUSED/.test(down.message), JSON.stringify(down));
    fake = await new FakeOctoPrint().start();
  });

  it('https verifies certificates by default and accepts a self-signed one only when allowed', async () => {
    fake = await new FakeOctoPrint({ tls: true }).start();
    const strict = await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey });
    assert.ok(!strict.ok && strict.problem === 'tls' && /not trusted/.test(strict.message), JSON.stringify(strict));
    const relaxed = await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey, allowSelfSigned: true });
    assert.equal(relaxed.ok, true);
  });
});
