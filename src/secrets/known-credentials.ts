import { formsOf } from './credential-forms';
import { registeredSecretValues, secretOwnersVersion } from './secret-refs';

/**
 * Credentials a node holds that can reach a request without the sender seeing them as such (a
 * signer's secrets, whose token-scheme header is the secret itself): registered by the node at start,
 * removed on close, and blanked out of whatever an attempt brings back (docs/secrets.md, "Scrubbing").
 * The secrets of the owners of secret references (template nodes) count too, also when the template
 * puts them into the msg itself. Kept in memory only.
 */
const byOwner = new Map<string, readonly string[]>();
let cachedForms: string[] | undefined;
let cachedForOwners = -1;

/** Registers `owner`'s credentials (replacing earlier ones); the returned function removes them. */
export function registerCredentials(owner: string, values: readonly string[]): () => void {
  const kept = Object.freeze(values.filter((v) => typeof v === 'string' && v !== ''));
  byOwner.set(owner, kept);
  cachedForms = undefined;
  return () => {
    if (byOwner.get(owner) === kept) {
      byOwner.delete(owner);
      cachedForms = undefined;
    }
  };
}

/** Every form of every registered credential, longest first. */
export function knownCredentialForms(): readonly string[] {
  if (!cachedForms || cachedForOwners !== secretOwnersVersion()) {
    cachedForOwners = secretOwnersVersion();
    cachedForms = formsOf([...[...byOwner.values()].flat(), ...registeredSecretValues()]);
  }
  return cachedForms;
}
