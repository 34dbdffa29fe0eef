import { createHmac, timingSafeEqual } from 'node:crypto';
import { scrubForms } from './credential-forms';

/**
 * Secret references: what the template puts in msg.payload / msg.url / msg.headers instead of a
 * target secret (Pushover token, Telegram bot token …), so the secret never reaches a msg or the
 * sender's outbox on disk. The sender swaps each reference for the secret just before an attempt.
 *
 * Format: `phsecret.<name>.<owner id as hex>.<tag>` where tag = the first 16 bytes, as hex, of
 * HMAC-SHA256(secret, "printhooks-secret-ref" NUL owner NUL name). Only [a-z0-9.] appear, characters
 * that JSON, application/x-www-form-urlencoded, encodeURIComponent and multipart all leave as they
 * are, so a reference survives any encoding the template applies.
 *
 * Why a tag derived from the secret: a reference must stay valid across restarts (the outbox is
 * durable), so a per-process nonce or an in-memory list of issued references would strand queued
 * records. The tag cannot be computed without the secret, so an event value (a file name, an error
 * text) cannot be written to become a secret unless its author has already seen a reference (which
 * only exists inside this Node-RED: msgs, debug output, the outbox); a reference is checked against
 * the owner's current secret and a text with a wrong tag is never resolved.
 */
export const SECRET_NAMES = ['token', 'user'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const PREFIX = 'phsecret.';
const TAG_HEX = 32;
const MAX_OWNER_HEX = 256;
const REF = /phsecret\.([a-z]{1,16})\.((?:[0-9a-f]{2}){1,128})\.([0-9a-f]{32})/g;
/** Longest possible reference, to read a bounded window of a Buffer. */
const MAX_REF = PREFIX.length + 17 + MAX_OWNER_HEX + 1 + TAG_HEX;

/** The last tag computed per owner and name: resolving is per attempt, the secret rarely changes. */
const tagCache = new Map<string, { secret: string; tag: string }>();

function tagOf(owner: string, name: string, secret: string): string {
  const key = `${owner}\0${name}`;
  const hit = tagCache.get(key);
  if (hit && hit.secret === secret) return hit.tag;
  const tag = computeTag(owner, name, secret);
  if (tagCache.size >= 1000) tagCache.clear();
  tagCache.set(key, { secret, tag });
  return tag;
}

function computeTag(owner: string, name: string, secret: string): string {
  return createHmac('sha256', secret).update(`printhooks-secret-ref\0${owner}\0${name}`).digest('hex').slice(0, TAG_HEX);
}

/** The reference that stands for `secret`, the credential `name` of node `owner`. */
export function secretRef(owner: string, name: string, secret: string): string {
  const ownerHex = Buffer.from(owner, 'utf8').toString('hex');
  if (ownerHex.length === 0 || ownerHex.length > MAX_OWNER_HEX) throw new Error(`secret owner id "${owner}" must have 1 to ${MAX_OWNER_HEX / 2} bytes`);
  if (!/^[a-z]{1,16}$/.test(name)) throw new Error(`secret name "${name}" must be 1-16 lower-case letters`);
  return `${PREFIX}${name}.${ownerHex}.${tagOf(owner, name, secret)}`;
}

/** Gives the current value of one of the owner's secrets, or undefined when it has none by that name. */
export type SecretResolver = (name: string) => string | undefined;

const owners = new Map<string, SecretResolver>();
/** Changes whenever an owner registers or leaves (known-credentials.ts caches on it). */
let ownersVersion = 0;
export const secretOwnersVersion = (): number => ownersVersion;

/** Called by the owner (the template node) at start; the returned function unregisters (on close). */
export function registerSecretOwner(owner: string, resolver: SecretResolver): () => void {
  owners.set(owner, resolver);
  ownersVersion += 1;
  return () => {
    if (owners.get(owner) === resolver) {
      owners.delete(owner);
      ownersVersion += 1;
    }
  };
}

/** The current value of every secret of every registered owner: to scrub them wherever they turn up. */
export function registeredSecretValues(): string[] {
  const out: string[] = [];
  for (const resolver of owners.values()) {
    for (const name of SECRET_NAMES) {
      try {
        const value = resolver(name);
        if (typeof value === 'string' && value !== '') out.push(value);
      } catch {
        // a resolver that throws has nothing to scrub
      }
    }
  }
  return out;
}

export function isSecretOwnerRegistered(owner: string): boolean {
  return owners.has(owner);
}

/** Where a reference sits decides how the secret is written there. */
export type SecretContext = 'json' | 'form' | 'url' | 'text' | 'header';

export function encodeSecret(secret: string, context: SecretContext): string {
  switch (context) {
    case 'json':
      return JSON.stringify(secret).slice(1, -1);
    case 'form':
      return new URLSearchParams([['', secret]]).toString().slice(1);
    case 'url':
      // as the template encodes URL values: ':' kept for Telegram's "123:ABC" bot tokens
      return encodeURIComponent(secret).replace(/%3A/gi, ':');
    case 'header':
      return secret.replace(/[\r\n]+/g, ' ');
    case 'text':
      return secret;
  }
}

/** The encoding a body needs, from its content type. */
export function contextForContentType(contentType: string | undefined): SecretContext {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return 'text';
}

/**
 * Why a reference was left unresolved: `owner-missing` (its node is not running, e.g. flows are still
 * starting: worth waiting), `no-secret` (the owner has no such credential now) or `mismatch` (the
 * owner's secret is not the one the reference was made for: the credential changed after the msg was
 * queued, or the text did not come from the owner).
 */
export interface UnresolvedSecret {
  owner: string;
  name: string;
  reason: 'owner-missing' | 'no-secret' | 'mismatch';
}

export interface Resolution<T> {
  value: T;
  /** The secrets written in, raw and as encoded, so callers can scrub them from anything they log or emit. */
  written: string[];
  unresolved: UnresolvedSecret[];
}

type Lookup = { secret: string } | UnresolvedSecret;

function lookup(name: string, ownerHex: string, tag: string): Lookup {
  const owner = Buffer.from(ownerHex, 'hex').toString('utf8');
  const resolver = owners.get(owner);
  if (!resolver) return { owner, name, reason: 'owner-missing' };
  let secret: string | undefined;
  try {
    secret = resolver(name);
  } catch {
    secret = undefined;
  }
  if (typeof secret !== 'string' || secret === '') return { owner, name, reason: 'no-secret' };
  const expected = Buffer.from(tagOf(owner, name, secret), 'latin1');
  if (!timingSafeEqual(expected, Buffer.from(tag, 'latin1'))) return { owner, name, reason: 'mismatch' };
  return { secret };
}

export function hasSecretRefs(text: string): boolean {
  return text.includes(PREFIX);
}

/** Swaps every reference in `text` for its secret encoded for `context`; unresolved ones stay as they are. */
export function resolveSecretRefs(text: string, context: SecretContext): Resolution<string> {
  const written: string[] = [];
  const unresolved: UnresolvedSecret[] = [];
  if (!text.includes(PREFIX)) return { value: text, written, unresolved };
  const value = text.replace(REF, (whole, name: string, ownerHex: string, tag: string) => {
    const found = lookup(name, ownerHex, tag);
    if ('reason' in found) {
      unresolved.push(found);
      return whole;
    }
    const encoded = encodeSecret(found.secret, context);
    written.push(found.secret, encoded);
    return encoded;
  });
  return { value, written, unresolved };
}

/**
 * The same for body bytes, which may be binary (a multipart image): only the bytes of each reference
 * are replaced, everything else is copied untouched. Returns the same Buffer when there is nothing to do.
 */
export function resolveSecretRefsInBytes(body: Buffer, context: SecretContext): Resolution<Buffer> {
  const written: string[] = [];
  const unresolved: UnresolvedSecret[] = [];
  let at = body.indexOf(PREFIX, 0, 'latin1');
  if (at < 0) return { value: body, written, unresolved };
  const parts: Buffer[] = [];
  let copied = 0;
  const one = /^phsecret\.([a-z]{1,16})\.((?:[0-9a-f]{2}){1,128})\.([0-9a-f]{32})/;
  while (at >= 0) {
    // latin1 maps bytes one to one, so string offsets are byte offsets
    const window = body.toString('latin1', at, Math.min(body.length, at + MAX_REF));
    const m = one.exec(window);
    if (!m) {
      at = body.indexOf(PREFIX, at + 1, 'latin1');
      continue;
    }
    const found = lookup(m[1], m[2], m[3]);
    if ('reason' in found) {
      unresolved.push(found);
    } else {
      const encoded = encodeSecret(found.secret, context);
      written.push(found.secret, encoded);
      parts.push(body.subarray(copied, at), Buffer.from(encoded, 'utf8'));
      copied = at + m[0].length;
    }
    at = body.indexOf(PREFIX, at + m[0].length, 'latin1');
  }
  if (parts.length === 0) return { value: body, written, unresolved };
  parts.push(body.subarray(copied));
  return { value: Buffer.concat(parts), written, unresolved };
}

/** Replaces every occurrence of the given secrets (as written) in a text meant for a log or a msg. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return scrubForms(text, secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length));
}

/**
 * True when a header value holds secret references and nothing secret besides: the references,
 * optionally after an auth scheme word (`Bearer phsecret.token.…`). Such a header may be stored.
 */
export function isReferenceOnly(value: string): boolean {
  if (!value.includes(PREFIX)) return false;
  const rest = value.replace(REF, '');
  return /^\s*(?:(?:Bearer|Basic|Token|Bot)\s*)?$/i.test(rest);
}
