import { contextForContentType, resolveSecretRefs, resolveSecretRefsInBytes, type UnresolvedSecret } from '../secrets/secret-refs';
import type { StoredRequest } from './outbox-record';

/** A stored request with its secret references replaced, for one attempt only (never stored). */
export interface ResolvedRequest {
  url?: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The secrets put in (raw and encoded), to scrub from the log and the output msgs. */
  written: string[];
  unresolved: UnresolvedSecret[];
}

/** URL values are URL-encoded, header values as they are, the body by its content type. */
export function resolveRequestSecrets(req: StoredRequest): ResolvedRequest {
  const written: string[] = [];
  const unresolved: UnresolvedSecret[] = [];
  let url = req.url;
  if (url !== undefined) {
    const r = resolveSecretRefs(url, 'url');
    url = r.value;
    written.push(...r.written);
    unresolved.push(...r.unresolved);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const r = resolveSecretRefs(value, 'header');
    headers[name] = r.value;
    written.push(...r.written);
    unresolved.push(...r.unresolved);
  }
  const b = resolveSecretRefsInBytes(req.body, contextForContentType(req.headers['content-type']));
  written.push(...b.written);
  unresolved.push(...b.unresolved);
  return { url, headers, body: b.value, written: [...new Set(written)], unresolved };
}

/** Why a record cannot be sent, or undefined when the only problem is an owner not running yet. */
export function permanentSecretProblem(unresolved: readonly UnresolvedSecret[]): string | undefined {
  const bad = unresolved.find((u) => u.reason !== 'owner-missing');
  if (!bad) return undefined;
  if (bad.reason === 'no-secret') return `secret reference: template node ${bad.owner} has no ${bad.name} credential`;
  return `secret reference: the ${bad.name} of template node ${bad.owner} is not the one this msg was made with (the credential changed after it was queued, or the text did not come from that node)`;
}
