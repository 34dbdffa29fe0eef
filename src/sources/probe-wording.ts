import type { ProbeResult } from './probe-result';
import { NETWORK_CAUSES } from './status-text';

/**
 * The one wording of every printer's "Test connection" (docs/editor.md "Test connection"):
 * `Reachable · auth OK · <platform> <version> · printer <state>`, plus notes; failures lead with the cause.
 */
export interface ReachableFacts {
  /** "OctoPrint", "Moonraker", "Bambu Lab X1C" … (the model when the platform names one). */
  platform: string;
  version?: string;
  /** Says "firmware" before the version (printers that report their firmware, not a server's version). */
  firmware?: boolean;
  state?: string;
  model?: string;
  /** `ok`: the credentials were checked and accepted; `none`: the protocol has no credentials to check. */
  auth: 'ok' | 'none';
  /** Said after the state: a warning that is not a failure (OctoPrint's safe mode). */
  notes?: string[];
}

export function reachableWords(facts: ReachableFacts): string {
  const platform = [facts.platform, facts.version ? `${facts.firmware ? 'firmware ' : ''}${facts.version}` : undefined].filter(Boolean).join(' ');
  return ['Reachable', facts.auth === 'ok' ? 'auth OK' : 'no auth needed', platform, `printer ${facts.state ?? 'state unknown'}`, ...(facts.notes ?? [])].join(' · ');
}

/** A successful probe's answer, in the shared shape and wording. */
export function reachable(facts: ReachableFacts): ProbeResult {
  const result: ProbeResult = { ok: true, message: reachableWords(facts) };
  if (facts.version) result.version = facts.version;
  if (facts.state) result.state = facts.state;
  if (facts.model) result.model = facts.model;
  return result;
}

/** TLS failures in words, by Node's error code (or the code found in a message); never OpenSSL's text. */
const TLS_WORDS: Array<[RegExp, string]> = [
  [/ERR_BAMBU_PIN_MISMATCH|certificate changed/, 'certificate fingerprint mismatch: the printer shows another certificate than the one pinned'],
  [/DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN/, 'untrusted certificate: it is self-signed'],
  [/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE/, 'untrusted certificate: no trusted authority signed it'],
  [/ERR_TLS_CERT_ALTNAME_INVALID|altnames|does not match certificate/i, 'certificate name mismatch: the certificate is for another name'],
  [/CERT_HAS_EXPIRED/, 'certificate expired'],
  [/CERT_NOT_YET_VALID/, 'certificate not valid yet: check the clock'],
  [/ERR_SSL_WRONG_VERSION_NUMBER|wrong version number|packet length too long|EPROTO/i, 'TLS handshake failed: this port does not speak TLS (check the port, or use http://)'],
  [/ALERT_HANDSHAKE_FAILURE|no shared cipher|unsupported protocol/i, 'TLS handshake failed: no TLS version or cipher in common'],
];

/** A TLS failure in words, from an error or its message; undefined when it is not one this list knows. */
export function tlsWords(error: unknown): string | undefined {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = `${typeof e.code === 'string' ? e.code : ''} ${typeof e.message === 'string' ? e.message : typeof error === 'string' ? error : ''}`;
  for (const [pattern, words] of TLS_WORDS) if (pattern.test(text)) return words;
  return undefined;
}

/** A TLS failure in words, falling back to "TLS handshake failed" for anything else. */
export function tlsFailure(error: unknown): string {
  return tlsWords(error) ?? 'TLS handshake failed';
}

/**
 * An unreachable target in the shared wording, naming it once: "connection refused (ECONNREFUSED 127.0.0.1:1)"
 * when the error already says where, else the cause then `where` ("connection refused (ECONNREFUSED) (ws://…)").
 */
export function unreachableWords(message: string, where: string): string {
  const found = /\b(E[A-Z_]+)\b\s*([^\s,;)]*)/.exec(message);
  const words = networkWords(message);
  return found && NETWORK_CAUSES[found[1]] && found[2] ? words : `${words} (${where})`;
}

/**
 * A network failure that leads with its cause in words, the code kept in brackets:
 * "connect ECONNREFUSED 127.0.0.1:1" → "connection refused (ECONNREFUSED 127.0.0.1:1)". Other text is kept.
 */
export function networkWords(message: string): string {
  const found = /\b(E[A-Z_]+)\b\s*([^\s,;)]*)/.exec(message);
  const cause = found ? NETWORK_CAUSES[found[1]] : undefined;
  if (!found || !cause) return message;
  const rest = message.slice(found.index + found[0].length).replace(/^[\s,;:)]+/, '');
  return `${cause} (${[found[1], found[2]].filter(Boolean).join(' ')})${rest ? ` ${rest}` : ''}`;
}
