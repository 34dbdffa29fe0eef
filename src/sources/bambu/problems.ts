import { unreachableText } from '../error-target';

/** What can be wrong with the link to a printer, worded for the status line and the Test button. */
export type LinkProblem = 'auth' | 'pin' | 'tls' | 'unreachable' | 'timeout' | 'protocol';

const TLS_CODES = new Set([
  'ERR_BAMBU_TLS',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE']);

export function describeProblem(error: unknown): { problem: LinkProblem; message: string } {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const code = e.code;
  const text = typeof e.message === 'string' ? e.message : String(error);
  // CONNACK 4 (bad user name or password) / 5 (not authorized): MQTT 3.1.1.
  if (code === 4 || code === 5 || code === 134 || code === 135) return { problem: 'auth', message: 'access code or serial rejected' };
  if (code === 'ERR_BAMBU_PIN_MISMATCH') return { problem: 'pin', message: text };
  if (typeof code === 'string' && TLS_CODES.has(code)) return { problem: 'tls', message: `TLS: ${text}` };
  // the code then where, so the status names the printer: "connection refused: 192.168.1.20:8883"
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { problem: 'unreachable', message: unreachableText(code, error) };
  if (code === 'ETIMEDOUT' || /timeout/i.test(text)) return { problem: 'timeout', message: 'no answer from the printer' };
  return { problem: 'protocol', message: text };
}
