import type { AttemptInput } from './signer-registry';

/** Scheme names as stored in the node configs (docs/signing.md, "Schemes"). */
export const SCHEMES = ['standard-webhooks', 'standard-webhooks-ed25519', 'github', 'stripe', 'hmac-sha256', 'token', 'slack'] as const;
export type SchemeName = (typeof SCHEMES)[number];

export function isSchemeName(value: unknown): value is SchemeName {
  return typeof value === 'string' && (SCHEMES as readonly string[]).includes(value);
}

export interface SchemeOptions {
  /** Header name for schemes that let the user name one (hmac-sha256, token). */
  header?: string;
  /** Digest encoding of the hmac-sha256 scheme. */
  encoding?: 'base64' | 'hex';
}

/** Why a received webhook was rejected (stable codes; the message explains). */
export type RejectReason =
  | 'missing-header'
  | 'malformed-header'
  | 'bad-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'unknown-version'
  | 'bad-signature'
  | 'replayed'
  | 'body-not-raw';

export type VerifyOutcome =
  | { ok: true; id?: string; timestamp?: number }
  | { ok: false; reason: RejectReason; message: string };

export interface VerifyInput {
  /** Request headers with lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  /** Verifier clock, Unix seconds. */
  now: number;
  /** Allowed distance between the webhook timestamp and now, seconds, both directions. */
  tolerance: number;
}

export type SignFn = (input: AttemptInput) => Record<string, string>;
export type VerifyFn = (input: VerifyInput) => VerifyOutcome;

/** One signature scheme: parses its secrets once (throwing KeyError on bad ones) into sign/verify functions. */
export interface Scheme {
  headerNames(options: SchemeOptions): string[];
  signer(secrets: readonly string[], options: SchemeOptions): SignFn;
  verifier(secrets: readonly string[], options: SchemeOptions): VerifyFn;
}

export function reject(reason: RejectReason, message: string): VerifyOutcome {
  return { ok: false, reason, message };
}
