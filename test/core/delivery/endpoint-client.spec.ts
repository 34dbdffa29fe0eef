import { strict as assert } from 'assert';
import { EndpointClient } from '../../../src/delivery/endpoint-client';
import { parseEndpointConfig, type EndpointCredentials } from '../../../src/delivery/endpoint-config';
import { scrubAttemptResult } from '../../../src/delivery/scrub-result';
import { endpointPki } from '../../fakes/tls/test-pki';

describe('delivery/endpoint-client: the endpoint\'s new secrets are known to the scrubber', () => {
  const pki = endpointPki();
  const creds: EndpointCredentials = {
    clientId: 'client-7',
    clientSecret: 'SECRET-client-secret/+=9',
    ca: pki.ca,
    cert: pki.clientCert,
    key: pki.clientKey,
    proxyUsername: 'proxy-user',
    proxyPassword: 'SECRET-proxy-pass-42',
  };
  function client(): EndpointClient {
    const parsed = parseEndpointConfig({ url: 'https://127.0.0.1:9/hook', auth: 'oauth2', tokenUrl: 'https://127.0.0.1:9/token', proxyMode: 'url', proxy: 'http://127.0.0.1:9' }, creds);
    assert.ok(parsed.config, parsed.errors.join('; '));
    return new EndpointClient(parsed.config, creds, { owner: 'ep-scrub-test' });
  }
  const echo = (text: string) => scrubAttemptResult({ kind: 'response', status: 400, headers: {}, body: Buffer.from(text), durationMs: 1 }, []);
  const bodyOf = (r: ReturnType<typeof echo>) => (r.kind === 'response' ? r.body.toString() : r.error);

  it('blanks the client secret, the proxy password and the mTLS key in their encoded forms while the endpoint runs, not after', () => {
    const keyLine = pki.clientKey.split('\n')[1];
    const keyBody = pki.clientKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const forms = [
      creds.clientSecret!,
      encodeURIComponent(creds.clientSecret!),
      Buffer.from(creds.clientSecret!).toString('base64'),
      JSON.stringify(creds.clientSecret).slice(1, -1),
      creds.proxyPassword!,
      keyLine,
      keyBody,
      JSON.stringify(pki.clientKey).slice(1, -1),
    ];
    const c = client();
    try {
      for (const form of forms) assert.equal(bodyOf(echo(`got <${form}>`)), 'got <[secret]>', form.slice(0, 20));
    } finally {
      c.close();
    }
    assert.equal(bodyOf(echo(`got <${creds.proxyPassword}>`)), `got <${creds.proxyPassword}>`, 'unregistered on close');
  });

  it('an error text with the secret is blanked too (a network error naming it)', () => {
    const c = client();
    try {
      const r = scrubAttemptResult({ kind: 'network', error: `proxy said ${creds.proxyPassword}`, durationMs: 1 }, []);
      assert.equal(bodyOf(r), 'proxy said [secret]');
    } finally {
      c.close();
    }
  });
});
