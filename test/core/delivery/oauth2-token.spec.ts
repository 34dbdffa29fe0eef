import { strict as assert } from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeliveryQueue } from '../../../src/delivery/delivery-queue';
import { EndpointClient } from '../../../src/delivery/endpoint-client';
import { parseEndpointConfig, type EndpointCredentials } from '../../../src/delivery/endpoint-config';
import { EndpointHealth } from '../../../src/delivery/endpoint-health';
import { Outbox } from '../../../src/delivery/outbox';
import type { OutgoingRequest } from '../../../src/delivery/http-transport';
import { RetryPolicy } from '../../../src/delivery/retry-policy';
import { requestFromMsg } from '../../../src/delivery/request-from-msg';
import { getSigner } from '../../../src/sign/signer-registry';
import { FakeTokenServer } from '../../fakes/oauth2/token-server';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { tempDir } from './tmp-dir';

describe('delivery/oauth2-token: client credentials against a loopback token server', () => {
  let tokens: FakeTokenServer;
  let rx: FakeReceiver;
  const clients: EndpointClient[] = [];
  let clock = 1_000_000;
  beforeEach(async () => {
    tokens = await new FakeTokenServer().start();
    rx = await new FakeReceiver().start();
    // the target accepts only tokens the server issued (revoked ones are dropped from `valid`)
    rx.answer((req) => (tokens.isIssued(req.headers.authorization as string) && !revoked.has(String(req.headers.authorization)) ? { status: 204 } : { status: 401, body: `bad token ${req.headers.authorization}` }));
  });
  const revoked = new Set<string>();
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    revoked.clear();
    await tokens.stop();
    await rx.stop();
  });

  function client(extra: Record<string, unknown> = {}, creds: EndpointCredentials = {}): EndpointClient {
    const parsed = parseEndpointConfig(
      { url: `${rx.url}/hook`, auth: 'oauth2', tokenUrl: tokens.url, scope: 'hooks:write', audience: 'https://api.test', ...extra },
      { clientId: tokens.clientId, clientSecret: tokens.clientSecret, ...creds },
    );
    assert.ok(parsed.config, parsed.errors.join('; '));
    const c = new EndpointClient(parsed.config, { clientId: tokens.clientId, clientSecret: tokens.clientSecret, ...creds }, { owner: `oauth-test-${clients.length}`, now: () => clock });
    clients.push(c);
    return c;
  }
  const req = (): OutgoingRequest => ({ method: 'POST', url: `${rx.url}/hook`, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
  const statusOf = (r: Awaited<ReturnType<EndpointClient['send']>>) => (r.kind === 'response' ? r.status : r.error);

  it('fetches one token (Basic client auth, scope and audience), caches it, and sends it as Bearer', async () => {
    const c = client();
    for (let i = 0; i < 4; i++) assert.equal(statusOf(await c.send(req())), 204);
    assert.equal(tokens.requests.length, 1);
    const [first] = tokens.requests;
    assert.equal(first.authorization, `Basic ${Buffer.from(`${tokens.clientId}:${tokens.clientSecret}`).toString('base64')}`);
    assert.equal(first.form.get('grant_type'), 'client_credentials');
    assert.equal(first.form.get('scope'), 'hooks:write');
    assert.equal(first.form.get('audience'), 'https://api.test');
    assert.equal(first.form.get('client_secret'), null, 'the secret is not also in the body');
    assert.ok(rx.received.every((r) => r.headers.authorization === `Bearer ${tokens.issued[0]}`));
  });

  it('client auth in the form body when chosen', async () => {
    const c = client({ clientAuth: 'body' });
    assert.equal(statusOf(await c.send(req())), 204);
    assert.equal(tokens.requests[0].authorization, undefined);
    assert.equal(tokens.requests[0].form.get('client_secret'), tokens.clientSecret);
  });

  it('one token request for many concurrent attempts', async () => {
    const c = client();
    const results = await Promise.all(Array.from({ length: 12 }, () => c.send(req())));
    assert.deepEqual(results.map(statusOf), Array(12).fill(204));
    assert.equal(tokens.requests.length, 1);
  });

  it('renews shortly before expiry, not after every attempt', async () => {
    tokens.expiresIn = 100;
    const c = client();
    await c.send(req());
    clock += 85_000; // 15 s left: the 10 s margin of a 100 s token is not reached yet
    await c.send(req());
    assert.equal(tokens.requests.length, 1);
    clock += 6_000; // 9 s left
    await c.send(req());
    assert.equal(tokens.requests.length, 2);
    assert.equal(rx.received[2].headers.authorization, `Bearer ${tokens.issued[1]}`);
  });

  it('a 401 forces one renewal for all the attempts that got it, then they go through', async () => {
    const c = client();
    await c.send(req());
    revoked.add(`Bearer ${tokens.issued[0]}`);
    const results = await Promise.all(Array.from({ length: 6 }, () => c.send(req())));
    assert.deepEqual(results.map(statusOf), Array(6).fill(204));
    assert.equal(tokens.requests.length, 2, 'one renewal for six 401s');
  });

  it('a 401 with the fresh token too is the answer (no loop)', async () => {
    rx.answer(() => ({ status: 401 }));
    const c = client();
    assert.equal(statusOf(await c.send(req())), 401);
    assert.equal(tokens.requests.length, 2);
    assert.equal(rx.received.length, 2);
  });

  it('names token endpoint failures, never with the secret, and holds them briefly', async () => {
    const wrong = client({}, { clientSecret: 'SECRET-wrong-secret-1234' });
    const result = await wrong.send(req());
    assert.equal(result.kind, 'network');
    const error = result.kind === 'network' ? result.error : '';
    assert.match(error, /^OAuth2 token endpoint http:\/\/127\.0\.0\.1:\d+\/token answered HTTP 401 invalid_client: Client authentication failed \(check the client id and secret\)$/);
    assert.equal(error.includes('SECRET-wrong'), false);
    await wrong.send(req());
    assert.equal(tokens.requests.length, 1, 'the failure is held: no second token request at once');
    assert.equal(rx.received.length, 0, 'nothing sent without a token');

    tokens.reply({ status: 200, body: 'not json' });
    const notJson = await client().send(req());
    assert.match(notJson.kind === 'network' ? notJson.error : '', /answered HTTP 200 without a JSON body/);
    tokens.reply({ status: 200, body: { access_token: 'tok\r\nX-Injected: 1', token_type: 'Bearer' } });
    const injected = await client().send(req());
    assert.match(injected.kind === 'network' ? injected.error : '', /answered without a usable access_token/);
    tokens.reply({ status: 200, body: { token_type: 'Bearer' } });
    const noToken = await client().send(req());
    assert.match(noToken.kind === 'network' ? noToken.error : '', /answered without a usable access_token/);
    const port = tokens.port;
    await tokens.stop();
    const gone = await client({ tokenUrl: `http://127.0.0.1:${port}/token` }).send(req());
    assert.match(gone.kind === 'network' ? gone.error : '', /^OAuth2 token endpoint http:\/\/127\.0\.0\.1:\d+\/token could not be reached: .*ECONNREFUSED/);
    tokens = await new FakeTokenServer().start();
  });

  it('the token never reaches the outbox or the output msgs: an echo of it comes back blanked', async () => {
    const { dir, cleanup } = tempDir();
    rx.answer((r) => ({ status: 400, body: `you sent ${r.headers.authorization}` }));
    const c = client();
    const outbox = new Outbox(dir, { commitGapMs: 1 });
    const dead: Array<Record<string, unknown>> = [];
    const health = new EndpointHealth();
    const queue = new DeliveryQueue({
      outbox,
      getSigner,
      policy: new RetryPolicy({ schedule: [0.05], jitter: 0, overloadDelay: 0.05 }),
      target: () => ({ url: c.config.url, method: 'POST', authHeaders: c.authHeaders, health, send: (r) => c.send(r) }),
      onDead: (msg) => dead.push(msg),
    });
    try {
      queue.start();
      await queue.enqueue(requestFromMsg({ payload: { hello: 'world' } }, { allowOverride: false }));
      const started = Date.now();
      while (dead.length === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
      const token = tokens.issued[0];
      assert.ok(token);
      const text = JSON.stringify(dead) + JSON.stringify(queue.log.list());
      assert.match(text, /you sent Bearer \[secret\]/);
      assert.equal(text.includes(token), false);
      await queue.stop(100);
      for (const file of fs.readdirSync(dir)) assert.equal(fs.readFileSync(path.join(dir, file)).includes(token), false, file);
    } finally {
      cleanup();
    }
  });
});
