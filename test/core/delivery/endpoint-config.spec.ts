import assert from 'node:assert/strict';
import { parseEndpointConfig, redactUrl } from '../../../src/delivery/endpoint-config';

describe('core/delivery endpoint config: credentials stay out of messages', () => {
  it('refuses a user name or password inside the url, without repeating them', () => {
    const { config, errors } = parseEndpointConfig({ url: 'https://bob:hunter2-SECRET@hooks.example/h' });
    assert.equal(config, undefined);
    assert.match(errors.join(), /url must not contain a user name or password/);
    assert.equal(errors.join().includes('hunter2-SECRET'), false);
  });

  it('an invalid url with credentials is named without them', () => {
    const { errors } = parseEndpointConfig({ url: 'http://bob:hunter2-SECRET@[bad' });
    assert.match(errors.join(), /is not a valid URL/);
    assert.equal(errors.join().includes('hunter2-SECRET'), false);
    assert.equal(redactUrl('bob:pw@host/x'), '…@host/x');
    assert.equal(redactUrl('https://host/a@b'), 'https://host/a@b', 'an @ in the path is not a user part');
  });

  it('a credential pasted with a line break is refused at deploy, naming the field only', () => {
    for (const field of ['token', 'username', 'password'] as const) {
      const { config, errors } = parseEndpointConfig({ url: 'https://hooks.example/h' }, { [field]: 'SECRET-abc\nSECRET-def' });
      assert.equal(config, undefined);
      assert.deepEqual(errors, [`${field} contains a line break: paste it again on one line`]);
    }
    assert.ok(parseEndpointConfig({ url: 'https://hooks.example/h' }, { token: 'fine-token' }).config);
  });
});
