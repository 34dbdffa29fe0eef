import { strict as assert } from 'assert';
import * as net from 'node:net';
import { HttpTransport } from '../../../src/delivery/http-transport';
import { bypassesProxy, proxyFor } from '../../../src/delivery/proxy-settings';
import { FakeProxy } from '../../fakes/proxy/proxy';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { MtlsServer } from '../../fakes/tls/mtls-server';
import { endpointPki } from '../../fakes/tls/test-pki';

describe('delivery/proxy', () => {
  describe('which proxy for which url', () => {
    const u = (s: string) => new URL(s);
    it('takes HTTPS_PROXY for https and HTTP_PROXY for http, lower case first', () => {
      const env = { HTTP_PROXY: 'http://plain:3128', https_proxy: 'http://secure:3129', HTTPS_PROXY: 'http://ignored:1' };
      assert.equal(proxyFor(u('http://a.test/'), { mode: 'env' }, env)?.url.host, 'plain:3128');
      assert.equal(proxyFor(u('https://a.test/'), { mode: 'env' }, env)?.url.host, 'secure:3129');
      assert.equal(proxyFor(u('https://a.test/'), { mode: 'none' }, env), undefined);
      assert.equal(proxyFor(u('https://a.test/'), { mode: 'env' }, {}), undefined);
    });

    it('honours NO_PROXY: names and subdomains, localhost and 127.0.0.1 only when listed, ports, CIDR, *', () => {
      const no = 'localhost,127.0.0.1,.corp.test,lan.test:8123,10.0.0.0/8,[::1]';
      assert.equal(bypassesProxy(u('http://localhost:1880/'), no), true);
      assert.equal(bypassesProxy(u('http://127.0.0.1:9/'), no), true);
      assert.equal(bypassesProxy(u('http://127.0.0.2:9/'), no), false);
      assert.equal(bypassesProxy(u('https://api.corp.test/'), no), true);
      assert.equal(bypassesProxy(u('https://corp.test/'), no), true);
      assert.equal(bypassesProxy(u('https://notcorp.test/'), no), false);
      assert.equal(bypassesProxy(u('http://lan.test:8123/'), no), true);
      assert.equal(bypassesProxy(u('http://lan.test:80/'), no), false);
      assert.equal(bypassesProxy(u('http://10.2.3.4/'), no), true);
      assert.equal(bypassesProxy(u('http://[::1]:80/'), no), true);
      assert.equal(bypassesProxy(u('http://anything/'), '*'), true);
      // nothing bypasses by itself: loopback goes through the proxy unless listed
      assert.equal(bypassesProxy(u('http://127.0.0.1/'), 'example.test'), false);
      assert.equal(proxyFor(u('http://127.0.0.1:9/'), { mode: 'env' }, { HTTP_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1' }), undefined);
      assert.equal(proxyFor(u('http://localhost:9/'), { mode: 'env' }, { HTTP_PROXY: 'http://p:1', no_proxy: 'localhost' }), undefined);
    });

    it('the endpoint proxy: credentials from the endpoint become Proxy-Authorization; an env proxy with user info keeps it out of the url', () => {
      const own = proxyFor(u('https://a.test/'), { mode: 'url', url: 'http://127.0.0.1:3128', username: 'pu', password: 'pp' }, {});
      assert.equal(own?.authorization, `Basic ${Buffer.from('pu:pp').toString('base64')}`);
      const env = proxyFor(u('https://a.test/'), { mode: 'env' }, { HTTPS_PROXY: 'http://us%40r:p%3Ass@proxy.test:8080' });
      assert.equal(env?.authorization, `Basic ${Buffer.from('us@r:p:ss').toString('base64')}`);
      assert.equal(env?.url.href, 'http://proxy.test:8080/');
      assert.throws(() => proxyFor(u('https://a.test/'), { mode: 'url', url: 'socks5://127.0.0.1:1080' }, {}), /must be http:\/\/ or https:\/\//);
    });
  });

  describe('through a loopback proxy', () => {
    let proxy: FakeProxy | undefined;
    let rx: FakeReceiver | undefined;
    const transports: HttpTransport[] = [];
    const make = (o: Partial<ConstructorParameters<typeof HttpTransport>[0]>) => {
      const t = new HttpTransport({ timeoutMs: 3000, ...o });
      transports.push(t);
      return t;
    };
    afterEach(async () => {
      for (const t of transports.splice(0)) t.close();
      await proxy?.stop();
      await rx?.stop();
      proxy = undefined;
      rx = undefined;
    });
    const post = (url: string, body = 'through') => ({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, body: Buffer.from(body) });

    it('http target: an absolute-form request to the proxy, with the target Host', async () => {
      proxy = await new FakeProxy().start();
      rx = await new FakeReceiver().start();
      const t = make({ proxy: { mode: 'url', url: proxy.url } });
      const result = await t.send(post(`${rx.url}/hook?x=1`));
      assert.equal(result.kind === 'response' && result.status, 204);
      assert.equal(proxy.passed.length, 1);
      assert.equal(proxy.passed[0].target, `${rx.url}/hook?x=1`);
      assert.equal(proxy.passed[0].host, `127.0.0.1:${rx.port}`);
      assert.equal(proxy.passed[0].body?.toString(), 'through');
      assert.equal(rx.received[0].path, '/hook?x=1');
      assert.equal(rx.received[0].body.toString(), 'through');
    });

    it('https target: a CONNECT tunnel; TLS to the target inside it, verified with the custom CA and the client certificate', async () => {
      const pki = endpointPki();
      proxy = await new FakeProxy({ credentials: 'pu:pp' }).start();
      const server = await new MtlsServer(pki).start();
      try {
        const t = make({ proxy: { mode: 'url', url: proxy.url, username: 'pu', password: 'pp' }, tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } });
        for (let i = 0; i < 3; i++) {
          const result = await t.send(post(`${server.url()}/secure`));
          assert.equal(result.kind === 'response' && result.status, 204);
        }
        // one tunnel, kept alive for the three requests; the proxy saw only host:port
        assert.deepEqual(proxy.passed.map((p) => `${p.method} ${p.target}`), [`CONNECT 127.0.0.1:${server.port}`]);
        assert.equal(server.received.length, 3);
        assert.equal(server.received[0].clientCn, 'printhooks-client');
      } finally {
        await server.stop();
      }
    });

    it('a proxy that wants credentials: the 407 is named, and nothing reaches the target', async () => {
      proxy = await new FakeProxy({ credentials: 'pu:pp' }).start();
      rx = await new FakeReceiver({ tls: true }).start();
      const result = await make({ proxy: { mode: 'url', url: proxy.url }, tlsInsecure: true }).send(post(rx.url));
      assert.equal(result.kind, 'network');
      assert.match(result.kind === 'network' ? result.error : '', /proxy 127\.0\.0\.1:\d+ refused the tunnel to 127\.0\.0\.1:\d+: HTTP 407 .*credentials/);
      assert.equal(rx.received.length, 0);
    });

    it('HTTP_PROXY from the environment, and NO_PROXY=127.0.0.1 / localhost sends direct', async () => {
      proxy = await new FakeProxy().start();
      rx = await new FakeReceiver().start();
      await make({ proxy: { mode: 'env' }, env: { HTTP_PROXY: proxy.url } }).send(post(`${rx.url}/a`));
      assert.equal(proxy.passed.length, 1);
      await make({ proxy: { mode: 'env' }, env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }).send(post(`${rx.url}/b`));
      await make({ proxy: { mode: 'env' }, env: { http_proxy: proxy.url, no_proxy: 'localhost' } }).send(post(`http://localhost:${rx.port}/c`));
      assert.equal(proxy.passed.length, 1);
      assert.deepEqual(rx.received.map((r) => r.path), ['/a', '/b', '/c']);
    });

    it('a hostile proxy (no HTTP, an endless head, a close mid-answer) ends in a named error, never a crash', async () => {
      const behaviours: Array<[(s: net.Socket) => void, RegExp]> = [
        [(s) => s.end('SSH-2.0-OpenSSH\r\n\r\n'), /did not answer CONNECT with HTTP/],
        [(s) => s.write(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(20_000)}`), /over-long answer/],
        [(s) => s.end('HTTP/1.1 20'), /closed the connection before the tunnel/],
      ];
      for (const [behave, expected] of behaviours) {
        const server = net.createServer((s) => {
          s.on('error', () => undefined);
          s.once('data', () => behave(s));
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        try {
          const port = (server.address() as net.AddressInfo).port;
          const result = await make({ proxy: { mode: 'url', url: `http://127.0.0.1:${port}` } }).send(post('https://127.0.0.1:9/x'));
          assert.equal(result.kind, 'network');
          assert.match(result.kind === 'network' ? result.error : '', expected);
        } finally {
          server.close();
        }
      }
    });

    it('a msg url to a metadata address is refused before the proxy is asked', async () => {
      proxy = await new FakeProxy().start();
      const t = make({ proxy: { mode: 'url', url: proxy.url } });
      for (const url of ['http://169.254.169.254/latest', 'https://2852039166/', 'http://[fd00:ec2::254]/']) {
        const result = await t.send({ ...post(url), checkDestination: true });
        assert.equal(result.kind, 'refused', url);
      }
      assert.equal(proxy.passed.length, 0);
    });
  });
});
