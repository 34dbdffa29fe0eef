import { formsOf, scrubForms } from '../secrets/credential-forms';
import { knownCredentialForms } from '../secrets/known-credentials';
import { RESPONSE_BODY_LIMIT } from './http-transport';
import type { AttemptResult } from './outcome';

/**
 * The credentials inside an attempt's auth headers and URL: a Bearer token, a Basic value with its
 * `user:password` pair, the user and the password alone, and the user info of a URL (a record queued
 * before msg.url was checked for it).
 */
export function credentialsOfAttempt(authHeaders: Record<string, string>, url: string | undefined): string[] {
  const out: string[] = [];
  for (const value of Object.values(authHeaders)) {
    // the scheme word stays readable: "Bearer [secret]"
    const scheme = /^(\w+)\s+(.+)$/.exec(value.trim());
    if (!scheme) {
      out.push(value);
      continue;
    }
    out.push(scheme[2]);
    if (scheme[1].toLowerCase() === 'basic') out.push(...pairParts(Buffer.from(scheme[2], 'base64').toString('utf8')));
  }
  if (url) {
    try {
      const parsed = new URL(url);
      if (parsed.username || parsed.password) {
        out.push(...pairParts(`${decoded(parsed.username)}:${decoded(parsed.password)}`), parsed.username, parsed.password);
      }
    } catch {
      // not a URL: nothing to take from it
    }
  }
  return out.filter((v) => v !== '');
}

/** The last list built: a sender's attempts mostly carry the same credentials (its endpoint's). */
let last: { key: string; known: readonly string[]; forms: readonly string[] } | undefined;

function formsFor(sent: readonly string[]): readonly string[] {
  const known = knownCredentialForms();
  if (sent.length === 0) return known;
  const key = sent.join('\0');
  if (last && last.key === key && last.known === known) return last.forms;
  const forms = [...new Set([...formsOf(sent), ...known])].sort((a, b) => b.length - a.length);
  last = { key, known, forms };
  return forms;
}

/** Percent-decoded, or as it is when it holds a stray `%`. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function pairParts(pair: string): string[] {
  const colon = pair.indexOf(':');
  return colon < 0 ? [pair] : [pair, pair.slice(0, colon), pair.slice(colon + 1)];
}

/**
 * The attempt's result with every credential blanked out of the response text and the error: the
 * secrets put into this attempt (`sent`) and every credential a node registered (docs/secrets.md,
 * "Scrubbing"). Everything shown afterwards (dead letters, the delivery log, the reason stored in the
 * outbox) is built from this result.
 */
export function scrubAttemptResult(result: AttemptResult, sent: readonly string[]): AttemptResult {
  const forms = formsFor(sent);
  if (forms.length === 0) return result;
  if (result.kind !== 'response') {
    const error = scrubForms(result.error, forms);
    return error === result.error ? result : { ...result, error };
  }
  const text = result.body.toString('utf8');
  const clean = scrubForms(text, forms, result.body.length >= RESPONSE_BODY_LIMIT);
  return clean === text ? result : { ...result, body: Buffer.from(clean, 'utf8') };
}
