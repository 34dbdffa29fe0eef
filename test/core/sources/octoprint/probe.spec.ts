import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeOctoPrint } from '../../../../src/sources/octoprint/probe';
import { FakeOctoPrint } from '../../../fakes/octoprint/fake-octoprint';

/** A plain HTTP server on 127.0.0.1 that is not OctoPrint, answering every request with `status`, `type`, `body`. */
async function otherServer(status: number, type: string, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('octoprint probe (Test connection)', () => {
  let fake: FakeOctoPrint;
  afterEach(async () => fake.stop());

  it('reports reachable, auth, the version and the printer state in the shared wording', async () => {
    fake = await new FakeOctoPrint({ prefix: '/op', version: '1.10.3' }).start();
    fake.setPrinting('a.gcode', 5);
    assert.deepEqual(await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey }), {
      ok: true,
      message: 'Reachable · auth OK · OctoPrint 1.10.3 · printer Printing',
      version: '1.10.3',
      state: 'Printing',
    });
  });

  it('warns when OctoPrint runs in safe mode', async () => {
    fake = await new FakeOctoPrint().start();
    fake.safemode = 'settings';
    const result = await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey });
    assert.ok(result.ok && result.message.endsWith(' · but OctoPrint runs in safe mode (settings): third-party plugins are disabled'), JSON.stringify(result));
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
    assert.deepEqual(down, { ok: false, problem: 'unreachable', message: 'connection refused (ECONNREFUSED)' });
    fake = await new FakeOctoPrint().start();
  });

  it('https verifies certificates by default and accepts a self-signed one only when allowed', async () => {
    fake = await new FakeOctoPrint({ tls: true }).start();
    const strict = await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey });
    assert.deepEqual(strict, { ok: false, problem: 'tls', message: 'untrusted certificate: it is self-signed; tick "allow self-signed" only if you trust this host' });
    const relaxed = await probeOctoPrint({ url: fake.url, apiKey: fake.apiKey, allowSelfSigned: true });
    assert.equal(relaxed.ok, true);
  });

  it('says "not OctoPrint", not "API key rejected", when another HTTP server refuses or answers', async () => {
    fake = await new FakeOctoPrint().start();
    const refusing = await otherServer(403, 'text/html', '<html><body><h1>403 Forbidden</h1>nginx</body></html>');
    const basic = await otherServer(401, 'text/plain', 'Unauthorized');
    const catchAll = await otherServer(200, 'application/json', '{"status":"ok"}');
    try {
      for (const server of [refusing, basic]) {
        const result = await probeOctoPrint({ url: server.url, apiKey: 'any-key' });
        assert.equal(result.problem, 'protocol', JSON.stringify(result));
        assert.match(result.message, /^not OctoPrint: 127\.0\.0\.1:\d+ refused \/api\/version, and not the way OctoPrint refuses a key; check the address and the port$/);
      }
      const other = await probeOctoPrint({ url: catchAll.url, apiKey: 'any-key' });
      assert.deepEqual([other.ok, other.problem], [false, 'protocol']);
      assert.match(other.message, /^not OctoPrint: .* answered \/api\/version, but not with OctoPrint's version/);
      // the real thing still says the key is wrong
      assert.deepEqual(await probeOctoPrint({ url: fake.url, apiKey: 'wrong' }), { ok: false, problem: 'auth', message: 'API key rejected' });
    } finally {
      await Promise.all([refusing.close(), basic.close(), catchAll.close()]);
    }
  });
});
