import { hmacSha256 } from '../hmac';
import { parseWhsec } from '../keys';
import { reject, type Scheme } from '../scheme';
import { checkTimestamp } from '../timestamp';
import { safeEqual } from '../timing';

export const STANDARD_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

/** The entries of a webhook-signature header: space-separated `<version>,<base64>`. */
export function signatureEntries(header: string): { version: string; value: string }[] {
  return header.split(' ').filter(Boolean).map((entry) => {
    const comma = entry.indexOf(',');
    return comma < 0 ? { version: entry, value: '' } : { version: entry.slice(0, comma), value: entry.slice(comma + 1) };
  });
}

/** Standard Webhooks v1: HMAC-SHA256 of `id.timestamp.body`, one `v1,` entry per key (rotation). */
export const standardWebhooks: Scheme = {
  headerNames: () => [...STANDARD_HEADERS],
  signer(secrets) {
    const keys = secrets.map(parseWhsec);
    return ({ id, body, timestamp }) => {
      const prefix = `${id}.${timestamp}.`;
      const signature = keys.map((k) => `v1,${hmacSha256(k, prefix, body, 'base64')}`).join(' ');
      return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    };
  },
  verifier(secrets) {
    const keys = secrets.map(parseWhsec);
    return ({ headers, body, now, tolerance }) => {
      const id = headers['webhook-id'];
      const signature = headers['webhook-signature'];
      if (!id) return reject('missing-header', 'no webhook-id header');
      if (!signature) return reject('missing-header', 'no webhook-signature header');
      const time = checkTimestamp(headers['webhook-timestamp'], now, tolerance, 'webhook-timestamp');
      if (!time.ok) return time;
      const offered = signatureEntries(signature).filter((e) => e.version === 'v1');
      if (offered.length === 0) return reject('unknown-version', 'webhook-signature has no v1 entry');
      const prefix = `${id}.${time.timestamp}.`;
      for (const key of keys) {
        const expected = hmacSha256(key, prefix, body, 'base64');
        if (offered.some((e) => safeEqual(e.value, expected))) return { ok: true, id, timestamp: time.timestamp };
      }
      return reject('bad-signature', 'no v1 signature matches the body, id and timestamp');
    };
  },
};
