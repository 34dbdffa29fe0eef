import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DigestSession, parseChallenges } from '../../../../src/sources/prusalink/digest';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function fields(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/([a-z]+)=(?:"([^"]*)"|([^,\s]*))/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

describe('PrusaLink Digest', () => {
  it('parses the firmware, Raspberry Pi and ApiKey challenges, quoted commas included', () => {
    const [buddy] = parseChallenges('Digest realm="Printer API", nonce="0a1b2c3d00001234", stale=false');
    assert.deepEqual(buddy, { scheme: 'digest', params: { realm: 'Printer API', nonce: '0a1b2c3d00001234', stale: 'false' } });
    const [pi] = parseChallenges('Digest realm="Administrator", qop="auth", algorithm="MD5-sess", nonce="a,b", opaque="x\\"y"');
    assert.deepEqual(pi.params, { realm: 'Administrator', qop: 'auth', algorithm: 'MD5-sess', nonce: 'a,b', opaque: 'x"y' });
    assert.deepEqual(parseChallenges('ApiKey realm="Printer API"'), [{ scheme: 'apikey', params: { realm: 'Printer API' } }]);
    assert.deepEqual(parseChallenges(['Basic realm="a"', 'Digest nonce="n"']).map((c) => c.scheme), ['basic', 'digest']);
  });

  it('survives garbage and cuts a huge header', () => {
    for (const bad of ['', '=', '"', ',,,', 'Digest =x', 'Digest realm="unterminated']) assert.doesNotThrow(() => parseChallenges(bad));
    const huge = `Digest nonce="${'a'.repeat(100_000)}"`;
    assert.ok((parseChallenges(huge)[0]?.params.nonce ?? '').length < 5000);
  });

  it('RFC 2617 qop=auth: the RFC\'s own example gives its documented response', () => {
    const session = new DigestSession('Mufasa', 'Circle Of Life', () => Buffer.from('0a4f113b', 'hex'));
    session.accept('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    const f = fields(session.authorization('GET', '/dir/index.html')!);
    assert.equal(f.response, '6629fae49393a05397450978507c4ef1');
    assert.deepEqual([f.qop, f.nc, f.cnonce, f.opaque], ['auth', '00000001', '0a4f113b', '5ccc069c403ebaf9f0171e9517f40e41']);
    assert.equal(fields(session.authorization('GET', '/dir/index.html')!).nc, '00000002');
  });

  it('the firmware style: no qop, no algorithm sent back, MD5(HA1:nonce:HA2)', () => {
    const session = new DigestSession('maker', 'secret');
    assert.equal(session.authorization('GET', '/api/v1/status'), undefined);
    session.accept('Digest realm="Printer API", nonce="0123456789abcdef", stale=false');
    const header = session.authorization('GET', '/api/v1/status')!;
    const f = fields(header);
    const expected = md5(`${md5('maker:Printer API:secret')}:0123456789abcdef:${md5('GET:/api/v1/status')}`);
    assert.equal(f.response, expected);
    assert.equal(/qop=|algorithm=|opaque=|nc=/.test(header), false, header);
  });

  it('MD5-sess: the session key covers the nonce and cnonce, and the algorithm is echoed', () => {
    const session = new DigestSession('octo', 'pw', () => Buffer.from('00112233', 'hex'));
    session.accept('Digest realm="Administrator", qop="auth", algorithm="MD5-sess", nonce="n1", opaque="op"');
    const f = fields(session.authorization('GET', '/api/v1/job')!);
    const ha1 = md5(`${md5('octo:Administrator:pw')}:n1:00112233`);
    assert.equal(f.response, md5(`${ha1}:n1:00000001:00112233:auth:${md5('GET:/api/v1/job')}`));
    assert.equal(f.algorithm, 'MD5-sess');
  });

  it('a new challenge replaces the nonce and restarts the count', () => {
    const session = new DigestSession('maker', 'pw');
    assert.equal(session.accept('ApiKey realm="Printer API"'), false);
    session.accept('Digest realm="Administrator", qop="auth", nonce="first"');
    session.authorization('GET', '/');
    session.accept('Digest realm="Administrator", qop="auth", nonce="second", stale=true');
    const f = fields(session.authorization('GET', '/')!);
    assert.deepEqual([f.nonce, f.nc], ['second', '00000001']);
  });
});
