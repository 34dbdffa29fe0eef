import { hmacSha256, utf8Keys } from '../hmac';
import { reject, type Scheme, type SchemeOptions } from '../scheme';
import { safeEqual } from '../timing';

export const DEFAULT_HMAC_HEADER = 'x-webhook-hmac-sha256';

function headerOf(options: SchemeOptions): string {
  return (options.header || DEFAULT_HMAC_HEADER).toLowerCase();
}

/** Plain HMAC-SHA256 of the raw body in a named header, base64 (Print.one, Shopify) or hex; the first secret signs. */
export const hmacSha256Body: Scheme = {
  headerNames: (options) => [headerOf(options)],
  signer(secrets, options) {
    const [key] = utf8Keys(secrets, 'hmac-sha256');
    const header = headerOf(options);
    const encoding = options.encoding ?? 'base64';
    return ({ body }) => ({ [header]: hmacSha256(key, '', body, encoding) });
  },
  verifier(secrets, options) {
    const keys = utf8Keys(secrets, 'hmac-sha256');
    const header = headerOf(options);
    const encoding = options.encoding ?? 'base64';
    return ({ headers, body }) => {
      const raw = headers[header];
      if (!raw) return reject('missing-header', `no ${header} header`);
      const offered = encoding === 'hex' ? raw.trim().toLowerCase() : raw.trim();
      for (const key of keys) {
        if (safeEqual(offered, hmacSha256(key, '', body, encoding))) return { ok: true };
      }
      return reject('bad-signature', `${header} does not match the body`);
    };
  },
};
