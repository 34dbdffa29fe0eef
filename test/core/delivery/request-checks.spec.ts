// Issue 14, case 5: a request that can never be sent is refused at input (docs/delivery.md, "Checked at
// input"), so it neither blocks the queue for the whole retry schedule nor writes a password to the outbox.
import { strict as assert } from 'assert';
import * as http from 'http';
import { msgFromRequest, requestFromMsg } from '../../../src/delivery/request-from-msg';

const allowed = { allowOverride: true };

/** The error requestFromMsg throws for `msg`, or a failure when it accepts it. */
function refusal(msg: Record<string, unknown>): Error {
  try {
    requestFromMsg(msg, allowed);
  } catch (e) {
    return e as Error;
  }
  return assert.fail(`accepted ${JSON.stringify(msg)}`);
}

describe('delivery/request-from-msg: requests checked at input', () => {
  it('refuses a msg.url to a metadata address literal in any spelling, and plain http under HTTPS-only', () => {
    const rules = { allowOverride: true, destinations: 'default' as const, endpointUrl: 'http://169.254.10.10/own' };
    for (const url of ['http://169.254.169.254/latest', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[::ffff:169.254.169.254]/', 'https://[fd00:ec2::254]/x']) {
      assert.throws(() => requestFromMsg({ payload: 'x', url }, rules), /^Error: msg\.url: destination refused: .* link-local or cloud-metadata address/, url);
    }
    // the endpoint's own origin is the admin's choice; a LAN host and a name (checked after DNS, per attempt) pass
    assert.equal(requestFromMsg({ payload: 'x', url: 'http://169.254.10.10/own/other' }, rules).url, 'http://169.254.10.10/own/other');
    assert.equal(requestFromMsg({ payload: 'x', url: 'http://192.168.1.5:8123/api/webhook/x' }, rules).url, 'http://192.168.1.5:8123/api/webhook/x');
    assert.equal(requestFromMsg({ payload: 'x', url: 'http://metadata.google.internal/' }, rules).url, 'http://metadata.google.internal/');
    assert.equal(requestFromMsg({ payload: 'x', url: 'http://169.254.169.254/' }, { ...rules, destinations: 'any' }).url, 'http://169.254.169.254/');
    assert.throws(() => requestFromMsg({ payload: 'x', url: 'http://hooks.test/x' }, { allowOverride: true, httpsOnly: true }), /HTTPS-only/);
  });

  it('refuses a header name that is not an HTTP token, naming the header', () => {
    for (const name of ['bad header', 'x-a:b', 'x(y)', 'ä-header', '', 'x\r\ny']) {
      const err = refusal({ payload: 'x', headers: { [name]: 'v' } });
      assert.match(err.message, /^msg\.headers: /, name);
      assert.match(err.message, /not a valid header name/, name);
    }
    const ok = requestFromMsg({ payload: 'x', headers: { "X-Ok_1.~!#$%&'*+^`|": 'v' } }, allowed);
    assert.equal(ok.headers["x-ok_1.~!#$%&'*+^`|"], 'v');
  });

  it('refuses a header value with a line break or a character Node cannot send, without echoing the value', () => {
    const values = ['a\r\nX-Injected: 1', 'line\nbreak', 'cr\ronly', 'nul\u0000', 'emoji 🖨'];
    for (const value of values) {
      const err = refusal({ payload: 'x', headers: { 'X-Note': value } });
      assert.match(err.message, /^msg\.headers\.X-Note /, JSON.stringify(value));
      assert.ok(!err.message.includes(value), 'the value is not repeated (it may be a token)');
    }
    // every value the check lets through is one Node's http client accepts
    for (const value of ['tab\there', 'Latin-1 é ÿ', '"quoted", (x); y=z', '']) {
      const stored = requestFromMsg({ payload: 'x', headers: { 'X-Note': value } }, allowed);
      assert.doesNotThrow(() => http.validateHeaderValue('x-note', stored.headers['x-note']), JSON.stringify(value));
    }
  });

  it('refuses msg.url with user info and never repeats the password', () => {
    for (const url of ['https://user:SECRET-pw@example.test/hook', 'http://SECRET-only-user@example.test/', 'https://:SECRET-pw@example.test']) {
      const err = refusal({ payload: 'x', url });
      assert.match(err.message, /^msg\.url must not contain a user name or password/);
      assert.ok(!err.message.includes('SECRET'), err.message);
    }
  });

  it('refuses msg.url with another scheme or that is not a URL, with the user info hidden', () => {
    assert.match(refusal({ payload: 'x', url: 'ftp://example.test/x' }).message, /^msg\.url must be http:\/\/ or https:\/\/, not ftp:/);
    assert.match(refusal({ payload: 'x', url: 'file:///etc/passwd' }).message, /^msg\.url must be http/);
    const bad = refusal({ payload: 'x', url: 'http://user:SECRET-pw@exa mple.test/' });
    assert.equal(bad.message, 'msg.url "http://…@exa mple.test/" is not a valid URL');
  });

  it('checks msg.url only when the endpoint lets msg.url override (otherwise it is ignored)', () => {
    const r = requestFromMsg({ payload: 'x', url: 'https://user:pw@example.test/' }, { allowOverride: false });
    assert.equal(r.url, undefined);
  });

  it('a record queued before these checks does not show its user info on an output msg', () => {
    const old = requestFromMsg({ payload: 'x' }, allowed);
    old.url = 'https://user:SECRET-pw@example.test/hook?q=1';
    assert.equal(msgFromRequest(old).url, 'https://…@example.test/hook?q=1');
  });
});
