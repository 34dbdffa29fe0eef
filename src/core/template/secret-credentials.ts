import { secretRef } from '../secrets/secret-refs';
import type { PresetCredentials } from './presets';

/**
 * What the msg carries for each credential: by default a secret reference that only the PrintHooks
 * sender turns back into the secret (src/core/secrets/secret-refs.ts); the real value only when the
 * node's "secrets in msg" option is on, for flows ending in the core http request node.
 */
export function credentialsForMsg(owner: string | undefined, credentials: PresetCredentials, secretsInMsg: boolean): PresetCredentials {
  if (secretsInMsg || owner === undefined) return credentials;
  const out: PresetCredentials = {};
  if (credentials.token) out.token = secretRef(owner, 'token', credentials.token);
  if (credentials.user) out.user = secretRef(owner, 'user', credentials.user);
  return out;
}
