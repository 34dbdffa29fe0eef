import { hmacSha256, utf8Keys } from '../hmac';
import { reject, type Scheme } from '../scheme';
import { checkTimestamp } from '../timestamp';
import { safeEqual } from '../timing';

/** Stripe: Stripe-Signature `t=<ts>,v1=<hex HMAC of "ts.body">` per secret; the whole secret text is the key. */
export const stripe: Scheme = {
  headerNames: () => ['stripe-signature'],
  signer(secrets) {
    const keys = utf8Keys(secrets, 'stripe');
    return ({ body, timestamp }) => {
      const prefix = `${timestamp}.`;
      const sigs = keys.map((k) => `v1=${hmacSha256(k, prefix, body, 'hex')}`);
      return { 'stripe-signature': [`t=${timestamp}`, ...sigs].join(',') };
    };
  },
  verifier(secrets) {
    const keys = utf8Keys(secrets, 'stripe');
    return ({ headers, body, now, tolerance }) => {
      const header = headers['stripe-signature'];
      if (!header) return reject('missing-header', 'no stripe-signature header');
      const pairs = header.split(',').map((p) => {
        const eq = p.indexOf('=');
        return eq < 0 ? ['', ''] : [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
      });
      const t = pairs.find(([k]) => k === 't')?.[1];
      if (t === undefined) return reject('malformed-header', 'stripe-signature has no t= timestamp');
      const time = checkTimestamp(t, now, tolerance, 'stripe-signature t');
      if (!time.ok) return time;
      const offered = pairs.filter(([k]) => k === 'v1').map(([, v]) => v);
      if (offered.length === 0) return reject('unknown-version', 'stripe-signature has no v1= entry');
      const prefix = `${time.timestamp}.`;
      for (const key of keys) {
        const expected = hmacSha256(key, prefix, body, 'hex');
        if (offered.some((v) => safeEqual(v, expected))) return { ok: true, timestamp: time.timestamp };
      }
      return reject('bad-signature', 'no v1= signature matches the body and timestamp');
    };
  },
};
