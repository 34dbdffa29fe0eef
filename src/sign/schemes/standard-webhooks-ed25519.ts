import { sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { parseWhpk, parseWhsk } from '../keys';
import { reject, type Scheme } from '../scheme';
import { isEnvelope, readStandardEnvelope, STANDARD_HEADERS } from './standard-envelope';

function publicKeys(secrets: readonly string[]): KeyObject[] {
  // Receivers are given whpk_ keys; a whsk_ secret key is accepted too (its public half is used).
  return secrets.map((s) => (s.startsWith('whsk_') ? parseWhsk(s).publicKey : parseWhpk(s)));
}

/** Standard Webhooks v1a: Ed25519 over `id.timestamp.body`, one `v1a,` entry per secret key. */
export const standardWebhooksEd25519: Scheme = {
  headerNames: () => [...STANDARD_HEADERS],
  signer(secrets) {
    const keys = secrets.map((s) => parseWhsk(s).privateKey);
    return ({ id, body, timestamp }) => {
      const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
      const signature = keys.map((k) => `v1a,${edSign(null, content, k).toString('base64')}`).join(' ');
      return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    };
  },
  verifier(secrets) {
    const keys = publicKeys(secrets);
    return (input) => {
      const envelope = readStandardEnvelope(input, 'v1a');
      if (!isEnvelope(envelope)) return envelope;
      const { id, timestamp, offered, prefix } = envelope;
      const content = Buffer.concat([Buffer.from(prefix, 'utf8'), input.body]);
      for (const value of offered) {
        const raw = Buffer.from(value, 'base64');
        if (raw.length !== 64) continue;
        if (keys.some((k) => edVerify(null, content, k, raw))) return { ok: true, id, timestamp };
      }
      return reject('bad-signature', 'no v1a signature matches the body, id and timestamp');
    };
  },
};
