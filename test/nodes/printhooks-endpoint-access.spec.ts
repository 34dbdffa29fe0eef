import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { helper } from './helper';
import { FakeTokenServer } from '../fakes/oauth2/token-server';
import { FakeProxy } from '../fakes/proxy/proxy';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { MtlsServer } from '../fakes/tls/mtls-server';
import { endpointPki } from '../fakes/tls/test-pki';

// Issue 18 part 2 in a real Node-RED runtime: OAuth2, mTLS, proxy and the destination policy through
// endpoint + sender, and the endpoint's Test route (docs/delivery.md, "Reaching guarded targets").
const nodes = [require('../../nodes/printhooks-endpoint/printhooks-endpoint'), require('../../nodes/printhooks-sender/printhooks-sender')];

type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };
type Msg = Record<string, unknown> & { delivery: Record<string, unknown> };
const node = (id: string) => helper.getNode(id) as unknown as TestNode;
const load = (flow: object[], credentials: object = {}) => helper.load(nodes, flow as never, credentials as never);
const nextMsg = (id: string): Promise<Msg> => new Promise((resolve) => node(id).on('input', (msg: never) => resolve(msg)));
type ProbeAnswer = { ok: boolean; message: string; problem?: string; status?: number; auth?: string };
const probe = async (body: object): Promise<ProbeAnswer> => ((await helper.request().post('/printhooks-endpoint/test').send(body)) as unknown as { body: ProbeAnswer }).body;

function filesUnder(dir: string): Buffer[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [fs.readFileSync(path.join(dir, e.name))]));
}

describe('printhooks-endpoint: reaching guarded targets', () => {
  let outboxDir: string;
  let tokens: FakeTokenServer;
  const cleanups: Array<() => Promise<void> | void> = [];
  const flow = (endpoint: Record<string, unknown>) => [
    { id: 'ep', type: 'printhooks-endpoint', version: 2, ...endpoint },
    { id: 's1', type: 'printhooks-sender', endpoint: 'ep', retrySchedule: '0.05', version: 1, wires: [['ok'], ['dead']] },
    { id: 'ok', type: 'helper' },
    { id: 'dead', type: 'helper' },
  ];
  const oauthCreds = () => ({ clientId: tokens.clientId, clientSecret: tokens.clientSecret });

  beforeEach(async () => {
    outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-endpoint-access-'));
    helper.settings({ printhooks: { sender: { outboxDir, statusIntervalMs: 5 } } } as never);
    tokens = await new FakeTokenServer().start();
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    for (const c of cleanups.splice(0).reverse()) await c();
    await tokens.stop();
    fs.rmSync(outboxDir, { recursive: true, force: true });
  });
  async function receiver(tls = false): Promise<FakeReceiver> {
    const rx = await new FakeReceiver({ tls }).start();
    cleanups.push(() => rx.stop());
    return rx;
  }

  it('OAuth2: delivers with the token server\'s token; the token is in no msg and no outbox file', async () => {
    const rx = await receiver();
    rx.answer((r) => (tokens.isIssued(r.headers.authorization as string) ? { status: 204 } : { status: 401 }));
    await load(flow({ url: `${rx.url}/hook`, auth: 'oauth2', tokenUrl: tokens.url, scope: 'hooks' }), { ep: oauthCreds() });
    const got: Msg[] = [];
    node('ok').on('input', (m: never) => got.push(m));
    for (let i = 0; i < 3; i++) node('s1').receive({ payload: { n: i } });
    const started = Date.now();
    while (got.length < 3 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(got.length, 3);
    assert.equal(tokens.requests.length, 1);
    const token = tokens.issued[0];
    assert.ok(rx.received.every((r) => r.headers.authorization === `Bearer ${token}`));
    assert.equal(JSON.stringify(got).includes(token), false);
    for (const file of filesUnder(outboxDir)) assert.equal(file.includes(token) || file.includes(tokens.clientSecret), false);
  });

  it('mTLS: a server that requires a client certificate gets it from the endpoint\'s credentials', async () => {
    const pki = endpointPki();
    const server = await new MtlsServer(pki).start();
    cleanups.push(() => server.stop());
    await load(flow({ url: `${server.url()}/hook`, proxyMode: 'none' }), { ep: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey.replace(/\n/g, '') } });
    const ok = nextMsg('ok');
    node('s1').receive({ payload: 'x' });
    assert.equal((await ok).delivery.status, 204);
    assert.equal(server.received[0].clientCn, 'printhooks-client');
  });

  it('HTTP_PROXY from the environment carries the attempt; NO_PROXY=127.0.0.1 sends direct', async () => {
    const rx = await receiver();
    const proxy = await new FakeProxy().start();
    cleanups.push(() => proxy.stop());
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    cleanups.push(() => {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    });
    process.env.HTTP_PROXY = proxy.url;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    await load(flow({ url: `${rx.url}/via-proxy` }));
    let ok = nextMsg('ok');
    node('s1').receive({ payload: 'one' });
    await ok;
    assert.deepEqual(proxy.passed.map((p) => p.target), [`${rx.url}/via-proxy`]);
    process.env.NO_PROXY = '127.0.0.1';
    ok = nextMsg('ok');
    node('s1').receive({ payload: 'two' });
    await ok;
    assert.equal(proxy.passed.length, 1);
    assert.equal(rx.received.length, 2);
  });

  it('a msg.url to a metadata address is refused at input (done(err)), never sent; a msg.url on the LAN/loopback goes', async () => {
    const rx = await receiver();
    await load(flow({ url: `${rx.url}/own`, allowOverride: true }));
    const sender = helper.getNode('s1') as unknown as { on(e: string, cb: (call: { args: unknown[] }) => void): void };
    const errors: string[] = [];
    sender.on('call:error', (call) => errors.push(String(call.args[0])));
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://0xA9FEA9FE/', 'http://[fd00:ec2::254]/']) node('s1').receive({ payload: 'x', url });
    const started = Date.now();
    while (errors.length < 3 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(errors.length, 3);
    for (const e of errors) assert.match(e, /msg\.url: destination refused: .* link-local or cloud-metadata address/);
    const ok = nextMsg('ok');
    node('s1').receive({ payload: 'x', url: `http://localhost:${rx.port}/lan` });
    await ok;
    assert.deepEqual(rx.received.map((r) => r.path), ['/lan']);
  });

  describe('Test route', () => {
    it('sends a HEAD with the unsaved values and reports status and time', async () => {
      const rx = await receiver();
      await load([]);
      const answer = await probe({ url: `${rx.url}/api/webhook/secret-id`, method: 'POST', timeout: '5' });
      assert.equal(answer.ok, true);
      assert.match(answer.message, /^Reached http:\/\/127\.0\.0\.1:\d+: HTTP 204 to HEAD in \d+ ms$/);
      assert.equal(answer.status, 204);
      assert.equal(answer.message.includes('secret-id'), false, 'the path (a webhook id) is not repeated');
      assert.equal(rx.received[0].method, 'HEAD');
    });

    it('OAuth2: fetches a token and says whether the auth was refused, with typed and with stored credentials, never showing a secret', async () => {
      const rx = await receiver();
      rx.answer((r) => (tokens.isIssued(r.headers.authorization as string) ? { status: 405 } : { status: 401 }));
      await load(flow({ url: `${rx.url}/hook`, auth: 'oauth2', tokenUrl: tokens.url }), { ep: oauthCreds() });
      const fields = { url: `${rx.url}/hook`, auth: 'oauth2', tokenUrl: tokens.url };
      const typed = await probe({ ...fields, ...oauthCreds() });
      assert.equal(typed.ok, true);
      assert.match(typed.message, /HTTP 405 to HEAD in \d+ ms · auth not refused · OAuth2 token fetched in \d+ ms, valid \d+ s/);
      const stored = await probe({ ...fields, id: 'ep', clientId: tokens.clientId, clientSecret: '__PWRD__' });
      assert.equal(stored.ok, true, stored.message);
      const wrong = await probe({ ...fields, ...oauthCreds(), clientSecret: 'SECRET-typed-wrong' });
      assert.equal(wrong.problem, 'auth');
      assert.match(wrong.message, /OAuth2 token endpoint .* answered HTTP 401 invalid_client/);
      rx.answer(() => ({ status: 401, body: 'no' }));
      const refused = await probe({ ...fields, ...oauthCreds() });
      assert.equal(refused.problem, 'auth');
      assert.match(refused.message, /HTTP 401 .*the target refused the credentials/);
      const all = JSON.stringify([typed, stored, wrong, refused]);
      for (const secret of [tokens.clientSecret, 'SECRET-typed-wrong', ...tokens.issued]) assert.equal(all.includes(secret), false);
    });

    it('TLS and config problems in words; the test event only when asked', async () => {
      const rx = await receiver(true);
      await load([]);
      const tls = await probe({ url: rx.url });
      assert.equal(tls.problem, 'tls');
      assert.match(tls.message, /TLS: the server's certificate is self-signed/);
      assert.doesNotMatch(tls.message, /error:|routines|alert number/);
      assert.equal((await probe({ url: rx.url, tlsInsecure: true })).ok, true, 'allowed once a self-signed certificate is');
      const config = await probe({ url: 'http://127.0.0.1:9/x', httpsOnly: true });
      assert.equal(config.problem, 'config');
      assert.match(config.message, /HTTPS-only/);
      const event = await probe({ url: `${rx.url}/hook`, tlsInsecure: true, method: 'PUT', sendEvent: true });
      assert.match(event.message, /HTTP 204 to the test event \(PUT\)/);
      const last = rx.received[rx.received.length - 1];
      assert.equal(last.method, 'PUT');
      assert.equal(JSON.parse(last.body.toString()).type, 'test');
    });
  });
});
