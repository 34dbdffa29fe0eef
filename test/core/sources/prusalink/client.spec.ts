import assert from 'node:assert/strict';
import { PrusaLinkClient, type PrusaLinkAuth } from '../../../../src/sources/prusalink/client';
import { PrusaLinkProblem } from '../../../../src/sources/prusalink/problems';
import { parsePrusaLinkUrl } from '../../../../src/sources/prusalink/url';
import { FakePrusaLink, type FakeOptions } from '../../../fakes/prusalink/fake-prusalink';

describe('PrusaLinkClient against a fake PrusaLink over HTTP', () => {
  let fake: FakePrusaLink;
  let client: PrusaLinkClient | undefined;

  async function open(options: FakeOptions, auth: (f: FakePrusaLink) => PrusaLinkAuth): Promise<PrusaLinkClient> {
    fake = await new FakePrusaLink(options).start();
    client = new PrusaLinkClient({ base: parsePrusaLinkUrl(fake.url), auth: auth(fake), timeoutMs: 2000 });
    return client;
  }

  async function rejection(promise: Promise<unknown>): Promise<PrusaLinkProblem> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof PrusaLinkProblem, String(error));
      return error;
    }
    throw new Error('expected a rejection');
  }

  afterEach(async () => {
    client?.dispose();
    client = undefined;
    await fake?.stop();
  });

  for (const flavour of ['buddy', 'pi'] as const) {
    it(`${flavour}: Digest works, pays the 401 once and reuses the nonce`, async () => {
      const c = await open({ flavour }, (f) => ({ username: f.username, password: f.password }));
      for (let i = 0; i < 4; i += 1) assert.equal((await c.json('/api/v1/status', 'status'))?.printer !== undefined, true);
      assert.deepEqual([fake.attempts, fake.requests.length], [5, 4]);
    });

    it(`${flavour}: X-Api-Key works, one request per call`, async () => {
      const c = await open({ flavour }, (f) => ({ apiKey: f.apiKey }));
      await c.json('/api/v1/status', 'status');
      await c.json('/api/version', 'version');
      assert.equal(fake.attempts, 2);
    });

    it(`${flavour}: a wrong password or key is rejected naming the field`, async () => {
      let c = await open({ flavour }, (f) => ({ username: f.username, password: 'wrong' }));
      const digest = await rejection(c.json('/api/v1/status', 'status'));
      assert.deepEqual([digest.kind, digest.short], ['auth', 'username or password rejected']);
      assert.ok(fake.attempts <= 3);
      c.dispose();
      await fake.stop();
      c = await open({ flavour }, () => ({ apiKey: 'nope' }));
      const key = await rejection(c.json('/api/v1/status', 'status'));
      assert.deepEqual([key.kind, key.short], ['auth', 'apiKey rejected']);
      assert.match(key.message, new RegExp(`HTTP ${flavour === 'pi' ? 403 : 401}`));
    });

    it(`${flavour}: an expired nonce is renewed (stale), never reported as bad credentials`, async () => {
      const c = await open({ flavour, nonceTtlMs: 60 }, (f) => ({ username: f.username, password: f.password }));
      await c.json('/api/v1/status', 'status');
      await new Promise((r) => setTimeout(r, 120));
      await c.json('/api/v1/status', 'status');
      assert.equal(fake.authFailures, 0);
      assert.equal(fake.attempts, 4);
    });
  }

  it('a kept-alive socket the printer closed under a request is retried once on a new one', async () => {
    const c = await open({}, (f) => ({ apiKey: f.apiKey }));
    await c.json('/api/v1/status', 'status');
    fake.dropNextReused = true;
    assert.equal((await c.json('/api/v1/status', 'status'))?.printer !== undefined, true);
    assert.deepEqual([fake.dropNextReused, fake.attempts], [false, 2]);
  });

  it('runs requests strictly one after another, even when asked at once', async () => {
    const c = await open({ latencyMs: 20 }, (f) => ({ apiKey: f.apiKey }));
    await Promise.all([c.json('/api/v1/status', 'a'), c.json('/api/v1/job', 'b'), c.json('/api/version', 'c'), c.json('/api/v1/info', 'd')]);
    assert.equal(fake.maxInFlight, 1);
    assert.equal(fake.requests.length, 4);
  });

  it('204 from /api/v1/job is "no job"; 503 is "printer not ready"; 404 keeps the printer\'s error text', async () => {
    const c = await open({ flavour: 'pi' }, (f) => ({ apiKey: f.apiKey }));
    assert.equal(await c.json('/api/v1/job', 'job'), undefined);
    fake.notReady = true;
    const busy = await rejection(c.json('/api/v1/status', 'status'));
    assert.deepEqual([busy.kind, busy.short], ['busy', 'printer not ready (503)']);
    const missing = await rejection(c.json('/nothing', 'lookup'));
    assert.match(missing.message, /lookup answered HTTP 404: Not found: no route \/nothing/);
  });

  it('a closed port is "unreachable"; an answer that is not JSON is refused with its reason', async () => {
    const c = await open({ flavour: 'pi' }, (f) => ({ apiKey: f.apiKey }));
    const image = await rejection(c.json('/api/v1/cameras/snap', 'snap'));
    assert.deepEqual([image.kind, image.message], ['protocol', "snap: the printer's answer was refused (not UTF-8)"]);
    await fake.stop();
    // The kept-alive socket may be reset first; a new one is refused.
    const kinds = [await rejection(c.json('/api/v1/status', 'status')), await rejection(c.json('/api/v1/status', 'status'))];
    assert.deepEqual(kinds.map((k) => k.kind), ['unreachable', 'unreachable']);
    assert.equal(kinds[1].short, 'unreachable (ECONNREFUSED)');
  });
});
