import { strict as assert } from 'assert';
import * as net from 'node:net';
import { parseEndpointConfig, type EndpointCredentials } from '../../../src/delivery/endpoint-config';
import { testEndpoint } from '../../../src/delivery/endpoint-test';
import { FakeProxy } from '../../fakes/proxy/proxy';
import { FakeReceiver } from '../../fakes/receiver/receiver';

/** Names answered from a table: no test asks a real DNS server. */
const lookup = (hostname: string, _o: unknown, cb: (err: NodeJS.ErrnoException | null, a: Array<{ address: string; family: number }>) => void): void => {
  if (hostname === 'printer.test') return cb(null, [{ address: '127.0.0.1', family: 4 }]);
  cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
};

describe('delivery/endpoint-test: the endpoint dialog\'s Test', () => {
  let rx: FakeReceiver;
  beforeEach(async () => {
    rx = await new FakeReceiver().start();
  });
  afterEach(async () => {
    await rx.stop();
  });
  function config(raw: Record<string, unknown>, creds: EndpointCredentials = {}) {
    const parsed = parseEndpointConfig({ proxyMode: 'none', ...raw }, creds);
    assert.ok(parsed.config, parsed.errors.join('; '));
    return parsed.config;
  }

  it('resolves the host, says when a msg.url there would be refused by the policy, and sends a HEAD with the auth', async () => {
    const result = await testEndpoint(config({ url: `http://printer.test:${rx.port}/hook`, destinations: 'public' }, { token: 'SECRET-bearer-x1' }), { token: 'SECRET-bearer-x1' }, { lookup });
    assert.equal(result.ok, true);
    assert.deepEqual(result.addresses, ['127.0.0.1']);
    assert.match(result.message, /^Reached http:\/\/printer\.test:\d+: HTTP 204 to HEAD in \d+ ms · auth not refused · a msg\.url to this host would be refused by the destination policy \(127\.0\.0\.1 is a loopback/);
    assert.equal(rx.received[0].method, 'HEAD');
    assert.equal(rx.received[0].headers.authorization, 'Bearer SECRET-bearer-x1');
    assert.equal(result.message.includes('SECRET'), false);
  });

  it('a host that does not resolve, a closed port and a refusing target each get their problem', async () => {
    const nowhere = await testEndpoint(config({ url: 'http://nowhere.test/x' }), {}, { lookup });
    assert.deepEqual([nowhere.ok, nowhere.problem, nowhere.message], [false, 'unreachable', 'Host not found: nowhere.test']);
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await testEndpoint(config({ url: `http://127.0.0.1:${port}/x` }), {});
    assert.equal(refused.problem, 'unreachable');
    assert.match(refused.message, /ECONNREFUSED/);
    rx.answer(() => ({ status: 403 }));
    const forbidden = await testEndpoint(config({ url: `${rx.url}/x` }), {});
    assert.equal(forbidden.problem, 'auth');
    assert.match(forbidden.message, /HTTP 403 to HEAD .*the target wants authentication/);
    rx.answer(() => ({ status: 502 }));
    assert.equal((await testEndpoint(config({ url: `${rx.url}/x` }), {})).problem, 'protocol');
  });

  it('names the proxy in between', async () => {
    const proxy = await new FakeProxy().start();
    try {
      const result = await testEndpoint(config({ url: `${rx.url}/x`, proxyMode: 'url', proxy: proxy.url }), {});
      assert.equal(result.ok, true);
      assert.match(result.message, new RegExp(`via proxy 127\\.0\\.0\\.1:${proxy.port} \\(the endpoint's proxy\\)`));
      assert.equal(proxy.passed[0].method, 'HEAD');
    } finally {
      await proxy.stop();
    }
  });
});
