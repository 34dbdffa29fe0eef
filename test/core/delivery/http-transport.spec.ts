import { strict as assert } from 'assert';
import { HttpTransport, RESPONSE_BODY_LIMIT } from '../../../src/delivery/http-transport';
import { FakeReceiver } from '../../fakes/receiver/receiver';

describe('delivery/http-transport', () => {
  const receivers: FakeReceiver[] = [];
  const transports: HttpTransport[] = [];
  async function receiver(tls = false): Promise<FakeReceiver> {
    const rx = await new FakeReceiver({ tls }).start();
    receivers.push(rx);
    return rx;
  }
  function transport(options: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}): HttpTransport {
    const t = new HttpTransport({ timeoutMs: 2000, ...options });
    transports.push(t);
    return t;
  }
  afterEach(async () => {
    for (const t of transports.splice(0)) t.close();
    for (const rx of receivers.splice(0)) await rx.stop();
  });
  const post = (url: string) => ({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, body: Buffer.from('hello') });

  it('verifies TLS by default: a self-signed certificate is a network error', async () => {
    const rx = await receiver(true);
    const result = await transport().send(post(rx.url));
    assert.equal(result.kind, 'network');
    assert.match(result.kind === 'network' ? result.error : '', /self[- ]signed|SELF_SIGNED/i);
    assert.equal(rx.received.length, 0);
  });

  it('accepts a self-signed certificate when the endpoint allows it', async () => {
    const rx = await receiver(true);
    const result = await transport({ tlsInsecure: true }).send(post(rx.url));
    assert.equal(result.kind === 'response' && result.status, 204);
    assert.equal(rx.received[0].body.toString(), 'hello');
  });

  it('never follows a redirect and never throws on a status', async () => {
    const rx = await receiver();
    rx.reply({ status: 307, headers: { location: `${rx.url}/there` } }, { status: 500, body: 'boom' });
    const t = transport();
    const first = await t.send(post(`${rx.url}/here`));
    const second = await t.send(post(`${rx.url}/here`));
    assert.equal(first.kind === 'response' && first.status, 307);
    assert.equal(second.kind === 'response' && second.body.toString(), 'boom');
    assert.deepEqual(rx.received.map((r) => r.path), ['/here', '/here']);
  });

  it('cuts the response body at 20 KB and keeps Retry-After', async () => {
    const rx = await receiver();
    rx.reply({ status: 200, headers: { 'Retry-After': '7' }, body: 'a'.repeat(RESPONSE_BODY_LIMIT + 5000) });
    const result = await transport().send(post(rx.url));
    assert.ok(result.kind === 'response');
    assert.equal(result.body.length, RESPONSE_BODY_LIMIT);
    assert.equal(result.headers['retry-after'], '7');
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const rx = await receiver();
    const t = transport();
    for (let i = 0; i < 5; i++) await t.send(post(rx.url));
    const ports = new Set(rx.received.map((r) => r.remotePort));
    assert.equal(rx.received.length, 5);
    assert.equal(ports.size, 1);
  });
});
