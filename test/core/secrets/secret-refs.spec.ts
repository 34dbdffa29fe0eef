import assert from 'node:assert/strict';
import {
  contextForContentType,
  encodeSecret,
  isReferenceOnly,
  registerSecretOwner,
  resolveSecretRefs,
  resolveSecretRefsInBytes,
  scrubSecrets,
  secretRef,
} from '../../../src/secrets/secret-refs';

const SECRET = 'a b&c=d/e?f:g"h\\i+j%k';

describe('secret references', () => {
  let unregister: () => void = () => undefined;
  afterEach(() => unregister());

  function own(owner: string, secrets: Record<string, string>): void {
    unregister = registerSecretOwner(owner, (name) => secrets[name]);
  }

  it('survive JSON, form and URL encoding and multipart unchanged', () => {
    const ref = secretRef('3f2a.b1c0', 'token', SECRET);
    assert.match(ref, /^phsecret\.token\.[0-9a-f]+\.[0-9a-f]{32}$/);
    assert.equal(JSON.stringify(ref), `"${ref}"`);
    assert.equal(new URLSearchParams({ t: ref }).toString(), `t=${ref}`);
    assert.equal(encodeURIComponent(ref), ref);
    assert.ok(!ref.includes(SECRET) && !ref.includes('a b'));
  });

  it('depend on the owner, the name and the secret, and are stable (a restart gives the same text)', () => {
    const a = secretRef('n1', 'token', 's1');
    assert.equal(secretRef('n1', 'token', 's1'), a);
    assert.notEqual(secretRef('n2', 'token', 's1'), a);
    assert.notEqual(secretRef('n1', 'user', 's1'), a);
    assert.notEqual(secretRef('n1', 'token', 's2'), a);
  });

  it('resolve to the secret encoded for each context', () => {
    own('n1', { token: SECRET });
    const ref = secretRef('n1', 'token', SECRET);
    const cases: [Parameters<typeof resolveSecretRefs>[1], string][] = [
      ['json', JSON.stringify(SECRET).slice(1, -1)],
      ['form', new URLSearchParams({ x: SECRET }).toString().slice(2)],
      ['url', encodeURIComponent(SECRET).replace(/%3A/g, ':')],
      ['text', SECRET],
      ['header', SECRET],
    ];
    for (const [context, expected] of cases) {
      const out = resolveSecretRefs(`<${ref}>`, context);
      assert.equal(out.value, `<${expected}>`, context);
      assert.deepEqual(out.unresolved, []);
      assert.ok(out.written.includes(SECRET) && out.written.includes(expected));
    }
    // the JSON body stays valid JSON with the exact secret inside
    const body = resolveSecretRefs(JSON.stringify({ token: ref }), 'json').value;
    assert.deepEqual(JSON.parse(body), { token: SECRET });
    assert.equal(new URLSearchParams(resolveSecretRefs(`token=${ref}&m=hi`, 'form').value).get('token'), SECRET);
    assert.equal(encodeSecret('a\r\nb', 'header'), 'a b');
  });

  it('report an owner that is not registered and leave the reference as it is', () => {
    const ref = secretRef('later', 'token', 'tok');
    const out = resolveSecretRefs(`x ${ref}`, 'json');
    assert.equal(out.value, `x ${ref}`);
    assert.deepEqual(out.unresolved, [{ owner: 'later', name: 'token', reason: 'owner-missing' }]);
    own('later', { token: 'tok' });
    assert.equal(resolveSecretRefs(`x ${ref}`, 'json').value, 'x tok');
  });

  it('refuse a reference whose tag does not fit the owner secret (forged text or a changed credential)', () => {
    own('n1', { token: 'current' });
    const stale = secretRef('n1', 'token', 'previous');
    const forged = stale.replace(/[0-9a-f]{32}$/, '0'.repeat(32));
    for (const text of [stale, forged]) {
      const out = resolveSecretRefs(text, 'text');
      assert.equal(out.value, text);
      assert.deepEqual(out.unresolved, [{ owner: 'n1', name: 'token', reason: 'mismatch' }]);
      assert.ok(!out.value.includes('current'));
    }
  });

  it('report a name the owner has no secret for', () => {
    own('n1', { token: 't' });
    const out = resolveSecretRefs(secretRef('n1', 'user', 'u'), 'text');
    assert.deepEqual(out.unresolved, [{ owner: 'n1', name: 'user', reason: 'no-secret' }]);
  });

  it('stop being resolved once the owner unregisters, and an old unregister does not remove a newer owner', () => {
    const first = registerSecretOwner('n1', () => 'one');
    const second = registerSecretOwner('n1', () => 'one');
    first();
    const ref = secretRef('n1', 'token', 'one');
    assert.equal(resolveSecretRefs(ref, 'text').value, 'one');
    second();
    assert.equal(resolveSecretRefs(ref, 'text').unresolved[0].reason, 'owner-missing');
  });

  it('replace only the reference bytes in a binary body', () => {
    own('n1', { token: 'tök' });
    const ref = secretRef('n1', 'token', 'tök');
    const image = Buffer.from([0xff, 0xd8, 0x00, 0x70, 0x68, 0xfe, 0xff, 0xd9]);
    const body = Buffer.concat([Buffer.from('--b\r\n\r\n'), Buffer.from(ref), Buffer.from('\r\n--b\r\n\r\n'), image, Buffer.from('phsecret.not-a-ref'), Buffer.from('\r\n')]);
    const out = resolveSecretRefsInBytes(body, 'text');
    const expected = Buffer.concat([Buffer.from('--b\r\n\r\n'), Buffer.from('tök'), Buffer.from('\r\n--b\r\n\r\n'), image, Buffer.from('phsecret.not-a-ref'), Buffer.from('\r\n')]);
    assert.ok(out.value.equals(expected));
    const untouched = Buffer.from('no references');
    assert.equal(resolveSecretRefsInBytes(untouched, 'text').value, untouched);
  });

  it('pick the body encoding from the content type', () => {
    assert.equal(contextForContentType('application/json; charset=utf-8'), 'json');
    assert.equal(contextForContentType('application/cloudevents+json'), 'json');
    assert.equal(contextForContentType('application/x-www-form-urlencoded'), 'form');
    assert.equal(contextForContentType('multipart/form-data; boundary=x'), 'text');
    assert.equal(contextForContentType(undefined), 'text');
  });

  it('tell a header that holds only references from one with a secret', () => {
    const ref = secretRef('n1', 'token', 't');
    assert.equal(isReferenceOnly(`Bearer ${ref}`), true);
    assert.equal(isReferenceOnly(ref), true);
    assert.equal(isReferenceOnly(`Bearer real-token ${ref}`), false);
    assert.equal(isReferenceOnly('Bearer real-token'), false);
  });

  it('scrub secrets out of texts', () => {
    assert.equal(scrubSecrets('bad token s3cr3t (s3cr3t)', ['s3cr3t']), 'bad token [secret] ([secret])');
    assert.equal(scrubSecrets('nothing', ['', 'x1']), 'nothing');
  });
});
