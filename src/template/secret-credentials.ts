import { secretRef } from '../secrets/secret-refs';
import type { PresetCredentials } from './presets';

/** References per credentials object (the node passes the same one for every msg): one HMAC per deploy, not per msg. */
const issued = new WeakMap<PresetCredentials, { owner: string; refs: PresetCredentials }>();

/**
 * What the msg carries for each credential: by default a secret reference that only the PrintHooks
 * sender turns back into the secret (src/secrets/secret-refs.ts); the real value only when the
 * node's "secrets in msg" option is on, for flows ending in the core http request node.
 */
export function credentialsForMsg(owner: string | undefined, credentials: PresetCredentials, secretsInMsg: boolean): PresetCredentials {
  if (secretsInMsg || owner === undefined) return credentials;
  const cached = issued.get(credentials);
  if (cached && cached.owner === owner) return cached.refs;
  const refs: PresetCredentials = {};
  if (credentials.token) refs.token = secretRef(owner, 'token', credentials.token);
  if (credentials.user) refs.user = secretRef(owner, 'user', credentials.user);
  issued.set(credentials, { owner, refs });
  return refs;
}
