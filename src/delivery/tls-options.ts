import * as tls from 'node:tls';

/** The endpoint's TLS material, from its credentials (PEM text). */
export interface TlsMaterial {
  /** Extra CA certificates, trusted besides Node's built-in ones. */
  ca?: string;
  /** Client certificate (mTLS) and its unencrypted private key. */
  cert?: string;
  key?: string;
}

/**
 * PEM text as a single-line input leaves it (its line breaks dropped, or turned into spaces): each
 * block is written back with its base64 wrapped at 64 characters. Proper PEM passes unchanged.
 */
export function normalizePem(text: string | undefined): string | undefined {
  if (!text || !text.trim()) return undefined;
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) return text;
  return blocks.map((m) => {
    const body = m[2].replace(/\s+/g, '');
    return `-----BEGIN ${m[1]}-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${m[1]}-----\n`;
  }).join('');
}

/** The material with each PEM normalized (normalizePem), empty fields left out. */
export function tlsMaterial(from: { ca?: string; cert?: string; key?: string }): TlsMaterial {
  const out: TlsMaterial = {};
  const ca = normalizePem(from.ca);
  const cert = normalizePem(from.cert);
  const key = normalizePem(from.key);
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  return out;
}

/** Options for https agents and tls.connect: the custom CA is added to the built-in roots, not put in their place. */
export function tlsConnectOptions(material: TlsMaterial, insecure: boolean): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { rejectUnauthorized: !insecure };
  if (material.ca) options.ca = [...tls.rootCertificates, material.ca];
  if (material.cert) options.cert = material.cert;
  if (material.key) options.key = material.key;
  return options;
}

/** What OpenSSL's error codes mean, in words a user can act on (never OpenSSL's own text). */
const WORDS: Array<[RegExp, string]> = [
  [/^DEPTH_ZERO_SELF_SIGNED_CERT$/, "the server's certificate is self-signed: add it as CA certificate under TLS, or allow a self-signed certificate"],
  [/^SELF_SIGNED_CERT_IN_CHAIN$/, "the server's certificate is not signed by a trusted CA (its chain ends in a CA of its own): add that CA certificate under TLS"],
  [/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|ERR_SSL_TLSV1_ALERT_UNKNOWN_CA)$/, "the server's certificate is not signed by a trusted CA: add the CA certificate under TLS"],
  [/^CERT_HAS_EXPIRED$/, "the server's certificate has expired"],
  [/^CERT_NOT_YET_VALID$/, "the server's certificate is not valid yet (check the clock of this machine)"],
  [/^ERR_TLS_CERT_ALTNAME_INVALID$/, "the server's certificate is for another host name than the url's"],
  [/^(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)$/, 'the server requires a client certificate: add the client certificate and key under TLS'],
  [/^(ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE|ERR_SSL_TLSV1_ALERT_ACCESS_DENIED|ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN)$/, 'the server did not accept the client certificate'],
  [/^ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE$/, 'the server ended the TLS handshake (it may require a client certificate, or share no cipher or TLS version)'],
  [/^ERR_SSL_WRONG_VERSION_NUMBER$/, 'the server does not speak TLS on this port (try http://, or check the port)'],
  [/^(ERR_OSSL_X509_KEY_VALUES_MISMATCH|ERR_OSSL_KEY_VALUES_MISMATCH)$/, 'the client certificate and key do not belong together'],
  [/^(ERR_OSSL_PEM_NO_START_LINE|ERR_OSSL_PEM_BAD_BASE64_DECODE|ERR_OSSL_ASN1_.*|ERR_OSSL_PEM_.*)$/, 'it is not PEM text (-----BEGIN …-----)'],
  [/^ERR_OSSL_BAD_DECRYPT$|^ERR_OSSL_EVP_BAD_DECRYPT$/, 'the key is encrypted: give it without a passphrase'],
];

/** The TLS problem behind an error, in words, or undefined when it is not a TLS problem. */
export function tlsProblem(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return undefined;
  for (const [pattern, words] of WORDS) if (pattern.test(code)) return words;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_') || code.startsWith('ERR_TLS_')) return 'the TLS handshake failed';
  if (/CERT|SIGNATURE/.test(code) && !code.startsWith('ERR_')) return "the server's certificate could not be verified";
  return undefined;
}

/**
 * Checks the material at deploy (a bad PEM, a key that does not match the certificate), with the
 * field named and the cause in words. Returns the errors.
 */
export function checkTlsMaterial(material: TlsMaterial): string[] {
  const errors: string[] = [];
  if ((material.cert && !material.key) || (!material.cert && material.key)) errors.push('client certificate and key go together: give both or neither');
  const tries: Array<[string, tls.SecureContextOptions]> = [];
  if (material.ca) tries.push(['CA certificate', { ca: material.ca }]);
  if (material.cert && material.key) tries.push(['client certificate/key', { cert: material.cert, key: material.key }]);
  for (const [field, options] of tries) {
    try {
      tls.createSecureContext(options);
    } catch (e) {
      errors.push(`${field}: ${tlsProblem(e) ?? 'not usable (expected PEM text)'}`);
    }
  }
  if (material.ca && !/-----BEGIN CERTIFICATE-----/.test(material.ca)) errors.push('CA certificate: it is not PEM text (-----BEGIN CERTIFICATE-----)');
  return errors;
}
