import { reject, type VerifyInput, type VerifyOutcome } from '../scheme';
import { checkTimestamp } from '../timestamp';

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

export interface StandardEnvelope {
  ok: true;
  id: string;
  timestamp: number;
  /** The signatures offered for this version, still encoded. */
  offered: string[];
  /** `id.timestamp.` — what precedes the body in the signed content. */
  prefix: string;
}

/**
 * The part of Standard Webhooks verification shared by v1 and v1a: the three headers present, the
 * timestamp within tolerance, and at least one signature of the expected version.
 */
export function readStandardEnvelope({ headers, now, tolerance }: VerifyInput, version: 'v1' | 'v1a'): StandardEnvelope | VerifyOutcome {
  const id = headers['webhook-id'];
  const signature = headers['webhook-signature'];
  if (!id) return reject('missing-header', 'no webhook-id header');
  if (!signature) return reject('missing-header', 'no webhook-signature header');
  const time = checkTimestamp(headers['webhook-timestamp'], now, tolerance, 'webhook-timestamp');
  if (!time.ok) return time;
  const timestamp = time.timestamp as number;
  const offered = signaturesOfVersion(signature, version);
  if (offered.length === 0) return reject('unknown-version', `webhook-signature has no ${version} entry`);
  return { ok: true, id, timestamp, offered, prefix: `${id}.${timestamp}.` };
}

export function isEnvelope(value: StandardEnvelope | VerifyOutcome): value is StandardEnvelope {
  return value.ok && 'offered' in value;
}
