import { strict as assert } from 'assert';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { DestinationRefused, guardOnConnect, literalRefusal, refusalOf, resolveChecked } from '../../../src/delivery/destination-policy';
import { HttpTransport } from '../../../src/delivery/http-transport';
import { verdictOf } from '../../../src/delivery/outcome';
import { FakeReceiver } from '../../fakes/receiver/receiver';

/** A resolver that answers from a table, so no test asks a real DNS server. */
function table(entries: Record<string, string[]>) {
  return (hostname: string, _o: unknown, cb: (err: NodeJS.ErrnoException | null, a: Array<{ address: string; family: number }>) => void): void => {
    const found = entries[hostname];
    if (!found) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    cb(null, found.map((address) => ({ address, family: net.isIP(address) })));
  };
}

describe('delivery/destination-policy', () => {
  const METADATA_SPELLINGS = [
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://0xA9FEA9FE/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://0251.0376.0251.0376/',
    'http://169.254.43518/',
    'http://169.254.169.254./',
    'http://[::ffff:169.254.169.254]/',
    'http://[0:0:0:0:0:ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fd00:ec2::254]/',
    'http://[FD00:EC2:0:0:0:0:0:254]/',
    'http://[fe80::1]/',
    'http://169.254.170.2/v2/credentials',
    'http://100.100.100.200/latest/meta-data',
  ];

  it('refuses link-local and metadata addresses whatever their spelling', () => {
    for (const url of METADATA_SPELLINGS) {
      const refused = literalRefusal(url, 'default');
      assert.ok(refused instanceof DestinationRefused, `${url} should be refused`);
      assert.match(refused.message, /link-local or cloud-metadata/);
    }
  });

  it('keeps LAN and loopback allowed by default, refuses them under "public", allows all under "any"', () => {
    for (const host of ['192.168.1.20', '10.0.0.5', '172.16.3.4', '127.0.0.1', '::1', 'fd12:3456::1']) {
      assert.equal(refusalOf(host, 'default'), undefined, host);
      assert.match(refusalOf(host, 'public') ?? '', /public addresses only/, host);
    }
    assert.equal(refusalOf('93.184.216.34', 'public'), undefined);
    assert.equal(refusalOf('169.254.169.254', 'any'), undefined);
    assert.equal(literalRefusal('http://homeassistant.local:8123/api/webhook/x', 'default'), undefined);
  });

  it('checks names after DNS resolution: one refused address refuses the name', async () => {
    const resolve = table({ 'metadata.test': ['169.254.169.254'], 'mixed.test': ['93.184.216.34', 'fd00:ec2::254'], 'ha.test': ['192.168.1.5'] });
    await assert.rejects(resolveChecked('metadata.test', 'default', resolve), DestinationRefused);
    await assert.rejects(resolveChecked('mixed.test', 'default', resolve), /fd00:ec2::254 is a link-local or cloud-metadata address/);
    assert.deepEqual(await resolveChecked('ha.test', 'default', resolve), ['192.168.1.5']);
  });

  it('checks again on connect: a socket that reached a refused address is destroyed before anything is sent', async () => {
    let got = 0;
    const server = net.createServer((s) => {
      s.on('data', () => (got += 1));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const socket = net.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
      guardOnConnect(socket, 'public', 'loop.test');
      socket.write('hello');
      const err = await new Promise<Error>((resolve) => socket.on('error', resolve));
      assert.ok(err instanceof DestinationRefused);
      assert.match(err.message, /127\.0\.0\.1 is a loopback/);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(got, 0);
    } finally {
      server.close();
    }
  });

  describe('in the transport', () => {
    let rx: FakeReceiver;
    let transport: HttpTransport;
    beforeEach(async () => {
      rx = await new FakeReceiver().start();
    });
    afterEach(async () => {
      transport.close();
      await rx.stop();
    });
    const post = (url: string, checkDestination = true) => ({ method: 'POST', url, headers: {}, body: Buffer.from('x'), checkDestination });

    it('a msg url to a metadata address is refused (permanent), never sent; the endpoint url is not checked', async () => {
      // metadata.test resolves to 169.254.169.254, rebind.test to loopback: the lookup decides before connecting
      transport = new HttpTransport({ timeoutMs: 2000, lookup: table({ 'metadata.test': ['169.254.169.254'], 'rebind.test': ['127.0.0.1'] }) });
      for (const url of [...METADATA_SPELLINGS, 'http://metadata.test/latest']) {
        const result = await transport.send(post(url));
        assert.equal(result.kind, 'refused', url);
        assert.equal(verdictOf(result), 'permanent');
      }
      const ok = await transport.send(post(`http://rebind.test:${rx.port}/hook`));
      assert.equal(ok.kind === 'response' && ok.status, 204);
      assert.equal(rx.received.length, 1);
    });

    it('"public" refuses a msg url to the LAN or loopback, by name after the lookup and as a literal; the endpoint url still goes', async () => {
      transport = new HttpTransport({ timeoutMs: 2000, destinations: 'public', lookup: table({ 'lan.test': ['127.0.0.1'] }) });
      const byName = await transport.send(post(`http://lan.test:${rx.port}/`));
      const byLiteral = await transport.send(post(`http://127.0.0.1:${rx.port}/`));
      assert.equal(byName.kind, 'refused');
      assert.equal(byLiteral.kind, 'refused');
      const own = await transport.send(post(`http://127.0.0.1:${rx.port}/`, false));
      assert.equal(own.kind === 'response' && own.status, 204);
      assert.equal(rx.received.length, 1);
    });

    it('HTTPS-only refuses http:// urls without sending', async () => {
      transport = new HttpTransport({ timeoutMs: 2000, httpsOnly: true });
      const result = await transport.send(post(`http://127.0.0.1:${rx.port}/`, false));
      assert.equal(result.kind, 'refused');
      assert.match(result.kind === 'refused' ? result.error : '', /HTTPS-only/);
      assert.equal(rx.received.length, 0);
      await new Promise((r) => http.get(`http://127.0.0.1:${rx.port}/alive`, (res) => r(res.resume())));
      assert.equal(rx.received.length, 1);
    });
  });
});
