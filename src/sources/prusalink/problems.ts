/** What can be wrong with a PrusaLink link, worded for the user (status text, Test connection). */
export type ProblemKind = 'config' | 'unreachable' | 'tls' | 'timeout' | 'auth' | 'busy' | 'http' | 'protocol';

export class PrusaLinkProblem extends Error {
  /** A few words for the node status, leading with the cause; the message has the detail and the fix. */
  readonly short: string;

  constructor(
    readonly kind: ProblemKind,
    message: string,
    short?: string,
    /** The socket error code behind an `unreachable` problem (ECONNREFUSED, ECONNRESET, …). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PrusaLinkProblem';
    this.short = short ?? message;
  }
}

/** Which credential the printer turned down, so the message names that field. */
export type AuthStyle = 'digest' | 'apiKey';

export function rejected(style: AuthStyle, status: number): PrusaLinkProblem {
  if (style === 'apiKey') {
    return new PrusaLinkProblem('auth', `apiKey rejected (HTTP ${status}): copy the API key (firmware: the PrusaLink password) from the printer or PrusaLink settings`, 'apiKey rejected');
  }
  return new PrusaLinkProblem('auth', `username or password rejected (HTTP ${status}): the firmware's user is "maker" with the PrusaLink password from the printer's network menu; a Raspberry Pi PrusaLink uses the name chosen in its setup`, 'username or password rejected');
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

/** A socket-level failure as a problem naming the cause. */
export function networkProblem(error: unknown, what: string): PrusaLinkProblem {
  if (error instanceof PrusaLinkProblem) return error;
  const e = (error ?? {}) as { code?: string; message?: string };
  const code = e.code ?? '';
  if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(e.message ?? '')) {
    return new PrusaLinkProblem('tls', `TLS error (${code || e.message}): the printer's certificate is not trusted`, 'TLS: certificate not trusted');
  }
  if (code === 'ETIMEDOUT') return new PrusaLinkProblem('timeout', `${what} timed out`, `timed out (${what})`);
  if (UNREACHABLE.has(code)) return new PrusaLinkProblem('unreachable', `printer unreachable (${code}): check the url and that the printer is on`, `unreachable (${code})`, code);
  return new PrusaLinkProblem('protocol', `${what} failed: ${e.message ?? String(error)}`);
}
