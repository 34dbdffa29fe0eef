import { hmacSha256 } from '../hmac';
import { parseWhsec } from '../keys';
import { reject, type Scheme } from '../scheme';
import { checkTimestamp } from '../timestamp';
import { safeEqual } from '../timing';

export const STANDARD_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

/** The values of the `<version>,<base64>` entries of a space-separated webhook-signature header. */
export function signaturesOfVersion(header: string, version: string): string[] {
  const out: string[] = [];
  const prefix = `${version},`;
  for (const entry of header.split(' ')) {
    if (entry.startsWith(prefix)) out.push(entry.slice(prefix.length));
  }
  return out;
}

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
    return ({ headers, body, now, tolerance }) => {
      const id = headers['webhook-id'];
      const signature = headers['webhook-signature'];
      if (!id) return reject('missing-header', 'no webhook-id header');
      if (!signature) return reject('missing-header', 'no webhook-signature header');
      const time = checkTimestamp(headers['webhook-timestamp'], now, tolerance, 'webhook-timestamp');
      if (!time.ok) return time;
      const offered = signaturesOfVersion(signature, 'v1');
      if (offered.length === 0) return reject('unknown-version', 'webhook-signature has no v1 entry');
      const prefix = `${id}.${time.timestamp}.`;
      for (const key of keys) {
        const expected = hmacSha256(key, prefix, body, 'base64');
        if (offered.some((v) => safeEqual(v, expected))) return { ok: true, id, timestamp: time.timestamp };
      }
      return reject('bad-signature', 'no v1 signature matches the body, id and timestamp');
    };
  },
};
