import { hmacSha256, utf8Keys } from '../hmac';
import { reject, type Scheme } from '../scheme';
import { safeEqual } from '../timing';

/**
 * GitHub: X-Hub-Signature-256 = sha256=<hex HMAC of the body> with the first secret; X-GitHub-Delivery
 * carries the webhook id. X-GitHub-Event is not secret and is set by the signer node from the event type.
 */
export const github: Scheme = {
  headerNames: () => ['x-hub-signature-256', 'x-github-delivery'],
  signer(secrets) {
    const [key] = utf8Keys(secrets, 'github');
    return ({ id, body }) => ({
      'x-hub-signature-256': `sha256=${hmacSha256(key, '', body, 'hex')}`,
      'x-github-delivery': id,
    });
  },
  verifier(secrets) {
    const keys = utf8Keys(secrets, 'github');
    return ({ headers, body }) => {
      const header = headers['x-hub-signature-256'];
      if (!header) return reject('missing-header', 'no x-hub-signature-256 header');
      if (!header.startsWith('sha256=')) return reject('unknown-version', 'x-hub-signature-256 does not start with sha256=');
      const offered = header.slice('sha256='.length).toLowerCase();
      for (const key of keys) {
        if (safeEqual(offered, hmacSha256(key, '', body, 'hex'))) return { ok: true, id: headers['x-github-delivery'] || undefined };
      }
      return reject('bad-signature', 'x-hub-signature-256 does not match the body');
    };
  },
};
