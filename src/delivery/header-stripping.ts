import { isReferenceOnly } from '../secrets/secret-refs';
import { KNOWN_SIGNATURE_HEADERS, SECRET_HEADERS, secretHeadersIn } from './known-signature-headers';

/** Which msg headers stay out of the outbox (docs/delivery.md, "Outbox"). */
export interface HeaderStripping {
  /** Lower-case names of the headers removed before the record is written. */
  strip: string[];
  /** Secret headers the msg carried that are dropped: worth a warning, auth belongs in the credentials. */
  droppedSecrets: string[];
}

/**
 * Nothing secret goes to disk: credentials headers always go (unless their value is only secret
 * references, which hold no secret), and so do signature headers when the msg names a signer, who
 * signs each attempt afresh. A signer not registered yet has unknown header names, so the known
 * signature headers of every scheme go instead.
 */
export function headerStripping(headers: unknown, signerId: unknown, signer: { headerNames: readonly string[] } | undefined): HeaderStripping {
  const referenceOnly = referenceOnlyHeaders(headers);
  const strip = [...SECRET_HEADERS.filter((h) => !referenceOnly.has(h)), ...(signerId ? signer?.headerNames ?? KNOWN_SIGNATURE_HEADERS : [])];
  const droppedSecrets = secretHeadersIn(headers).filter((h) => !signer?.headerNames.includes(h) && !referenceOnly.has(h));
  return { strip, droppedSecrets };
}

/** Lower-case names of the msg headers whose value is only secret references (ntfy "Bearer {{$token}}"). */
function referenceOnlyHeaders(headers: unknown): Set<string> {
  const out = new Set<string>();
  if (!headers || typeof headers !== 'object') return out;
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string' && isReferenceOnly(value)) out.add(name.toLowerCase());
  return out;
}
