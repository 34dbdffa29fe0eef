import { strict as assert } from 'assert';
import { headerStripping } from '../../../src/delivery/header-stripping';
import { KNOWN_SIGNATURE_HEADERS, SECRET_HEADERS } from '../../../src/delivery/known-signature-headers';
import { secretRef } from '../../../src/secrets/secret-refs';

describe('delivery/header-stripping', () => {
  it('always strips the credentials headers and warns about those the msg carried', () => {
    const result = headerStripping({ Authorization: 'Bearer abc', 'content-type': 'text/plain' }, undefined, undefined);
    assert.deepEqual(result.strip, [...SECRET_HEADERS]);
    assert.deepEqual(result.droppedSecrets, ['authorization']);
  });

  it('strips the signer\'s own headers when it is registered, every known signature header when it is not', () => {
    const registered = headerStripping({ 'x-sig': 'abc' }, 'signer1', { headerNames: ['x-sig'] });
    assert.deepEqual(registered.strip, [...SECRET_HEADERS, 'x-sig']);
    const missing = headerStripping({}, 'signer1', undefined);
    assert.deepEqual(missing.strip, [...SECRET_HEADERS, ...KNOWN_SIGNATURE_HEADERS]);
  });

  it('does not warn about a secret header that the signer itself sets', () => {
    const result = headerStripping({ authorization: 'x' }, 'signer1', { headerNames: ['authorization'] });
    assert.deepEqual(result.droppedSecrets, []);
  });

  it('keeps a credentials header whose value is only secret references', () => {
    const result = headerStripping({ Authorization: `Bearer ${secretRef('tpl1', 'token', 's3cret')}` }, undefined, undefined);
    assert.equal(result.strip.includes('authorization'), false);
    assert.deepEqual(result.droppedSecrets, []);
  });
});
