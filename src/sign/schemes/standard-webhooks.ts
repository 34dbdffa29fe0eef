import { hmacSha256 } from '../hmac';
import { parseWhsec } from '../keys';
import { reject, type Scheme } from '../scheme';
import { safeEqual } from '../timing';
import { isEnvelope, readStandardEnvelope, STANDARD_HEADERS } from './standard-envelope';

/** Standard Webhooks v1: HMAC-SHA256 of `id.timestamp.body`, one `v1,` entry per key (rotation). */
export const standardWebhooks: Scheme = {
  headerNames: () => [...STANDARD_HEADERS],
  signer(secrets) {
    const keys = secrets.map(parseWhsec);
    return ({ id, body, timestamp }) => {
      const prefix = `${id}.${timestamp}.`;
      const signature = keys.length === 1
        ? `v1,${hmacSha256(keys[0], prefix, body, 'base64')}`
        : keys.map((k) => `v1,${hmacSha256(k, prefix, body, 'base64')}`).join(' ');
      return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    };
  },
  verifier(secrets) {
    const keys = secrets.map(parseWhsec);
    return (input) => {
      const envelope = readStandardEnvelope(input, 'v1');
      if (!isEnvelope(envelope)) return envelope;
      const { id, timestamp, offered, prefix } = envelope;
      for (const key of keys) {
        const expected = hmacSha256(key, prefix, input.body, 'base64');
        if (offered.some((v) => safeEqual(v, expected))) return { ok: true, id, timestamp };
      }
      return reject('bad-signature', 'no v1 signature matches the body, id and timestamp');
    };
  },
};
