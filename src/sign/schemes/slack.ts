import { hmacSha256, utf8Keys } from '../hmac';
import { reject, type Scheme } from '../scheme';
import { checkTimestamp } from '../timestamp';
import { safeEqual } from '../timing';

/** Slack request signing: X-Slack-Signature `v0=<hex HMAC of "v0:ts:body">`, X-Slack-Request-Timestamp. */
export const slack: Scheme = {
  headerNames: () => ['x-slack-signature', 'x-slack-request-timestamp'],
  signer(secrets) {
    const [key] = utf8Keys(secrets, 'slack');
    return ({ body, timestamp }) => ({
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': `v0=${hmacSha256(key, `v0:${timestamp}:`, body, 'hex')}`,
    });
  },
  verifier(secrets) {
    const keys = utf8Keys(secrets, 'slack');
    return ({ headers, body, now, tolerance }) => {
      const header = headers['x-slack-signature'];
      if (!header) return reject('missing-header', 'no x-slack-signature header');
      const time = checkTimestamp(headers['x-slack-request-timestamp'], now, tolerance, 'x-slack-request-timestamp');
      if (!time.ok) return time;
      if (!header.startsWith('v0=')) return reject('unknown-version', 'x-slack-signature does not start with v0=');
      const offered = header.slice(3);
      for (const key of keys) {
        if (safeEqual(offered, hmacSha256(key, `v0:${time.timestamp}:`, body, 'hex'))) return { ok: true, timestamp: time.timestamp };
      }
      return reject('bad-signature', 'x-slack-signature does not match the body and timestamp');
    };
  },
};
