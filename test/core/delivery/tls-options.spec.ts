import { strict as assert } from 'assert';
import { HttpTransport } from '../../../src/delivery/http-transport';
import { checkTlsMaterial, normalizePem, tlsMaterial } from '../../../src/delivery/tls-options';
import { MtlsServer } from '../../fakes/tls/mtls-server';
import { endpointPki } from '../../fakes/tls/test-pki';

describe('delivery/tls-options: custom CA and mTLS', () => {
  const pki = endpointPki();
  let server: MtlsServer;
  const transports: HttpTransport[] = [];
  const send = (tls: ConstructorParameters<typeof HttpTransport>[0]['tls'], host?: string) => {
    const t = new HttpTransport({ timeoutMs: 3000, tls });
    transports.push(t);
    return t.send({ method: 'POST', url: `${server.url(host)}/hook`, headers: {}, body: Buffer.from('{}') });
  };
  before(async () => {
    server = await new MtlsServer(pki).start();
  });
  after(async () => {
    await server.stop();
  });
  afterEach(() => {
    for (const t of transports.splice(0)) t.close();
  });
  const errorOf = (r: Awaited<ReturnType<HttpTransport['send']>>): string => (r.kind === 'response' ? `HTTP ${r.status}` : r.error);

  it('reaches a server that requires a client certificate with the custom CA and the client certificate + key', async () => {
    const before = server.received.length;
    const result = await send({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
    assert.equal(errorOf(result), 'HTTP 204');
    assert.equal(server.received[before].clientCn, 'printhooks-client');
    // by name too: the certificate is for localhost as well
    assert.equal(errorOf(await send({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }, 'localhost')), 'HTTP 204');
  });

  it('explains each failure in words, never with OpenSSL text', async () => {
    const before = server.received.length;
    const cases: Array<[ConstructorParameters<typeof HttpTransport>[0]['tls'], RegExp]> = [
      [{}, /^TLS: the server's certificate is not signed by a trusted CA/],
      [{ ca: pki.ca }, /^TLS: the server (requires a client certificate|ended the TLS handshake)/],
      // TLS 1.3: the refusal of the certificate arrives after the handshake, as a reset
      [{ ca: pki.ca, cert: pki.strangerCert, key: pki.strangerKey }, /^TLS: the server (did not accept the client certificate|ended the TLS handshake|closed the connection after the handshake \(it may not accept the client certificate\))/],
    ];
    for (const [tls, expected] of cases) {
      const error = errorOf(await send(tls));
      assert.match(error, expected);
      assert.doesNotMatch(error, /error:[0-9A-F]{8}|routines|ssl3_|SSL alert number/i);
    }
    assert.equal(server.received.length, before);
  });

  it('checks the material at deploy: not PEM, a key from another certificate, half a pair', () => {
    assert.deepEqual(checkTlsMaterial({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }), []);
    assert.match(checkTlsMaterial({ ca: 'hello' }).join('; '), /CA certificate: .*PEM/);
    assert.match(checkTlsMaterial({ cert: pki.clientCert, key: pki.strangerKey }).join('; '), /client certificate and key do not belong together/);
    assert.match(checkTlsMaterial({ cert: pki.clientCert }).join('; '), /give both or neither/);
    for (const e of checkTlsMaterial({ ca: 'x', cert: 'y', key: 'z' })) assert.doesNotMatch(e, /error:[0-9A-F]{8}|routines/);
  });
});

describe('delivery/tls-options: PEM pasted into a one-line field', () => {
  it('is wrapped back into PEM and works', () => {
    const pki = endpointPki();
    const flat = (pem: string) => pem.replace(/\n/g, '');
    const spaced = (pem: string) => pem.replace(/\n/g, ' ');
    assert.equal(normalizePem(pki.clientKey), pki.clientKey);
    assert.equal(normalizePem(flat(pki.clientKey)), pki.clientKey);
    assert.equal(normalizePem(spaced(pki.ca)), pki.ca);
    assert.deepEqual(checkTlsMaterial(tlsMaterial({ ca: flat(pki.ca), cert: spaced(pki.clientCert), key: flat(pki.clientKey) })), []);
    assert.equal(normalizePem('  '), undefined);
  });
});
