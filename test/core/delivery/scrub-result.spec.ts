// Issue 14, case 4: every credential the package knows is blanked out of what an attempt brings back
// (docs/secrets.md, "Scrubbing"), in every form a target could echo it.
import { strict as assert } from 'assert';
import { credentialsOfAttempt, scrubAttemptResult } from '../../../src/delivery/scrub-result';
import { RESPONSE_BODY_LIMIT } from '../../../src/delivery/http-transport';
import type { AttemptResult } from '../../../src/delivery/outcome';
import { requestFromMsg } from '../../../src/delivery/request-from-msg';
import { registerCredentials } from '../../../src/secrets/known-credentials';
import { registerSecretOwner } from '../../../src/secrets/secret-refs';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { makeQueue, until } from './queue-harness';
import { tempDir } from './tmp-dir';

const TOKEN = 'SECRET-unit-token-7f3a';
const USER = 'SECRET-unit-user';
const PASS = 'SECRET-unit-pass/+=?&';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;

const response = (body: string | Buffer, status = 401): AttemptResult => ({ kind: 'response', status, headers: {}, body: Buffer.isBuffer(body) ? body : Buffer.from(body), durationMs: 1 });
const bodyOf = (r: AttemptResult) => (r.kind === 'response' ? r.body.toString() : r.error);

/** Every encoding the leak audit (test/nodes/leak-audit.ts) counts, plus JSON and form escaping. */
function encodings(value: string): string[] {
  const b = Buffer.from(value);
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/'),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    b.toString('base64'),
    b.toString('base64').replace(/=+$/, ''),
    b.toString('base64url'),
    b.toString('hex'),
    b.toString('hex').toUpperCase(),
  ];
}

describe('delivery/scrub-result: credentials scrubbed from what an attempt brings back', () => {
  it('takes the token from Bearer, the pair, user and password from Basic, and the user info of a url', () => {
    assert.deepEqual(credentialsOfAttempt({ authorization: `Bearer ${TOKEN}` }, 'https://example.test/'), [TOKEN]);
    assert.deepEqual(credentialsOfAttempt({ authorization: BASIC }, undefined), [BASIC.slice(6), `${USER}:${PASS}`, USER, PASS]);
    assert.deepEqual(credentialsOfAttempt({ 'x-api-key': TOKEN }, undefined), [TOKEN]);
    const fromUrl = credentialsOfAttempt({}, 'https://us%40er:p%3Ass@example.test/');
    assert.ok(fromUrl.includes('us@er:p:ss') && fromUrl.includes('p:ss') && fromUrl.includes('p%3Ass'), fromUrl.join());
    assert.deepEqual(credentialsOfAttempt({}, 'not a url'), []);
    assert.ok(credentialsOfAttempt({}, 'https://SECRET%zz:pw%@example.test/').includes('SECRET%zz'), 'a stray % does not hide the user info');
  });

  it('blanks every form of the token, the basic value and its parts out of a response body and an error', () => {
    const sent = credentialsOfAttempt({ authorization: BASIC }, undefined).concat(credentialsOfAttempt({ 'x-api-key': TOKEN }, undefined));
    for (const value of [TOKEN, `${USER}:${PASS}`, PASS]) {
      for (const form of encodings(value)) {
        const echoed = `{"you sent":"${form}", "again": "${form}"}`;
        const clean = bodyOf(scrubAttemptResult(response(echoed), sent));
        assert.ok(!clean.includes(form), `${value} as ${form}: ${clean}`);
        assert.match(clean, /\[secret\]/);
      }
    }
    const network = scrubAttemptResult({ kind: 'network', error: `ECONNRESET while sending ${BASIC}`, durationMs: 1 }, sent);
    assert.equal(bodyOf(network), 'ECONNRESET while sending Basic [secret]');
  });

  it('blanks a credential echoed in an HTML error page or by a JSON writer that escapes non-ASCII', () => {
    const password = 'SECRET-pässword<&>"\'';
    const echoes = [
      `<p>bad password: ${password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')}</p>`,
      `<p>bad password: ${password.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
      `{"password": "SECRET-p\\u00e4ssword<&>\\"'"}`,
    ];
    for (const echoed of echoes) {
      const clean = bodyOf(scrubAttemptResult(response(echoed), [password]));
      assert.ok(!clean.includes('SECRET'), `${echoed} -> ${clean}`);
    }
  });

  it('blanks the start of a credential cut off at the end of a truncated body', () => {
    const cut = Buffer.concat([Buffer.alloc(RESPONSE_BODY_LIMIT - 10, 'x'), Buffer.from(TOKEN.slice(0, 10))]);
    const clean = bodyOf(scrubAttemptResult(response(cut), [TOKEN]));
    assert.ok(!clean.includes(TOKEN.slice(0, 10)), 'no half token');
    assert.ok(clean.endsWith('x[secret]'));
  });

  it('blanks a registered signer secret (and a whsec_ key\'s bytes) until the signer unregisters', () => {
    const key = Buffer.from('SECRET-unit-hmac-key-bytes');
    const whsec = `whsec_${key.toString('base64')}`;
    const unregister = registerCredentials('signer-1', [whsec, 'SECRET-unit-sp-token']);
    try {
      for (const form of [whsec, key.toString('base64'), key.toString('hex'), key.toString('latin1'), 'SECRET-unit-sp-token', Buffer.from('SECRET-unit-sp-token').toString('base64')]) {
        assert.equal(bodyOf(scrubAttemptResult(response(`x-sp-token: ${form}`), [])), 'x-sp-token: [secret]', form);
      }
    } finally {
      unregister();
    }
    assert.equal(bodyOf(scrubAttemptResult(response('x-sp-token: SECRET-unit-sp-token'), [])), 'x-sp-token: SECRET-unit-sp-token');
  });

  it('blanks the secrets of a registered template (secret-reference owner) even when they were not sent as references', () => {
    const unregister = registerSecretOwner('template-1', (name) => (name === 'token' ? 'SECRET-unit-tpl-token' : name === 'user' ? 'SECRET-unit-tpl-user' : undefined));
    try {
      assert.equal(bodyOf(scrubAttemptResult(response('token=SECRET-unit-tpl-token&user=SECRET-unit-tpl-user'), [])), 'token=[secret]&user=[secret]');
    } finally {
      unregister();
    }
    assert.equal(bodyOf(scrubAttemptResult(response('token=SECRET-unit-tpl-token'), [])), 'token=SECRET-unit-tpl-token', 'gone with its owner');
  });

  it('leaves an answer without credentials as it is, and does not blank values of one or two characters', () => {
    const plain = response('{"ok":false}');
    assert.equal(scrubAttemptResult(plain, [TOKEN]), plain);
    assert.equal(bodyOf(scrubAttemptResult(response('a 1 b'), ['1', 'a'])), 'a 1 b');
  });

  it('a queue whose target echoes the request: dead letter, delivery log and stored reason hold no credential', async () => {
    const rx = await new FakeReceiver().start();
    const tmp = tempDir();
    rx.answer((req, i) => ({ status: i === 0 ? 503 : 400, body: `${JSON.stringify(req.headers)} ${req.body.toString()}` }));
    const h = makeQueue({ dir: tmp.dir, url: `${rx.url}/hook`, schedule: [0.02], authHeaders: { authorization: `Bearer ${TOKEN}` } });
    try {
      await h.queue.enqueue(requestFromMsg({ payload: 'hello' }, { allowOverride: false }));
      await until(() => h.dead.length === 1, 4000, 'a dead letter');
      assert.equal(rx.received[0].headers.authorization, `Bearer ${TOKEN}`, 'the token was sent');
      const delivery = h.dead[0].delivery as { response: string; reason: string };
      assert.match(delivery.response, /"authorization":"Bearer \[secret\]"/);
      const shown = JSON.stringify({ dead: h.dead, log: h.queue.log.list() });
      assert.ok(!shown.includes(TOKEN), shown);
      assert.equal(h.queue.log.list().length, 2);
      assert.ok(h.queue.log.list().every((a) => a.response?.includes('Bearer [secret]')));
    } finally {
      await h.stop();
      await rx.stop();
      tmp.cleanup();
    }
  });
});
