/** What can be wrong with an OctoPrint connection, worded for the user (status text, test button). */
export type ProblemKind = 'config' | 'unreachable' | 'tls' | 'timeout' | 'rejected' | 'global_key' | 'session' | 'http' | 'protocol';

export class OctoPrintProblem extends Error {
  /** A few words for the node status (Node-RED asks for short status texts); the message has the detail. */
  readonly short: string;

  constructor(
    readonly kind: ProblemKind,
    message: string,
    short?: string,
  ) {
    super(message);
    this.name = 'OctoPrintProblem';
    this.short = short ?? message;
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

interface ErrorLike {
  code?: string;
  message?: string;
  response?: { status?: number };
  cause?: unknown;
}

/** Classifies a network / HTTP failure (axios or ws) into a problem with a message naming the cause. */
export function classifyError(error: unknown, what: string): OctoPrintProblem {
  if (error instanceof OctoPrintProblem) return error;
  const e = (error ?? {}) as ErrorLike;
  const cause = (e.cause ?? {}) as ErrorLike;
  const code = e.code ?? cause.code ?? '';
  // axios puts the status on the response; ws reports a refused upgrade only in its message.
  const upgrade = /Unexpected server response: (\d+)/.exec(e.message ?? '');
  const status = e.response?.status ?? (upgrade ? Number(upgrade[1]) : undefined);
  if (status === 401 || status === 403) return new OctoPrintProblem('rejected', 'API key rejected');
  if (status !== undefined) return new OctoPrintProblem('http', `${what} answered HTTP ${status}`, `HTTP ${status} (${what})`);
  if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(e.message ?? '')) {
    return new OctoPrintProblem('tls', `TLS error (${code || e.message}): the certificate is not trusted; allow self-signed certificates only if you trust this host`, 'TLS: certificate not trusted');
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '')) {
    return new OctoPrintProblem('timeout', `${what} timed out`, `timed out (${what})`);
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET' || code === 'EAI_AGAIN') {
    return new OctoPrintProblem('unreachable', `OctoPrint unreachable (${code})`, `unreachable (${code})`);
  }
  return new OctoPrintProblem('protocol', `${what} failed: ${e.message ?? String(error)}`);
}
