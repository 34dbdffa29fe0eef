import { secretRef } from '../secrets/secret-refs';

/**
 * The token scheme's header carries the secret itself. Unless the user asks for it in the msg (for
 * Node-RED's core http request node), the signer writes a secret reference there instead: our sender
 * re-signs every attempt through the signer, so the real token only exists in the request on the wire.
 */
export function tokenHeadersAsRefs(
  headers: Record<string, unknown>,
  headerNames: readonly string[],
  owner: string,
  token: string,
): Record<string, unknown> {
  const ref = secretRef(owner, 'token', token);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = headerNames.includes(name.toLowerCase()) && typeof value === 'string' ? value.split(token).join(ref) : value;
  }
  return out;
}
