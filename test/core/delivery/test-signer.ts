import { createHmac } from 'crypto';
import type { AttemptSigner } from '../../../src/sign/signer-registry';

export const TEST_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** A small Standard Webhooks v1 signer written for the tests (the real one belongs to the signer node). */
export function hmacSigner(secret = TEST_SECRET): AttemptSigner & { calls: number } {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signer = {
    calls: 0,
    headerNames: ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const,
    sign({ id, body, timestamp }: { id: string; body: Buffer; timestamp: number }) {
      signer.calls += 1;
      const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
      return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${mac}` };
    },
  };
  return signer;
}
