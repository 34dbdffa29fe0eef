import type { SigningConfig } from './config';
import { ReplayGuard } from './replay-guard';
import { reject, type VerifyFn, type VerifyOutcome } from './scheme';
import { SCHEME_IMPLEMENTATIONS } from './schemes';

export const DEFAULT_TOLERANCE_S = 300;

/**
 * Header names in lower case; array values (repeated headers) are joined the way HTTP joins them.
 * Headers from Node's http server already are lower-case strings: that common case is returned as is.
 */
export function normaliseHeaders(headers: unknown): Record<string, string> {
  if (headers === null || typeof headers !== 'object') return {};
  const given = headers as Record<string, unknown>;
  let clean = true;
  for (const name in given) {
    if (typeof given[name] !== 'string' || /[A-Z]/.test(name)) {
      clean = false;
      break;
    }
  }
  if (clean) return given as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (typeof value === 'number') out[name.toLowerCase()] = String(value);
    else if (Array.isArray(value)) out[name.toLowerCase()] = value.map(String).join(', ');
  }
  return out;
}

/** The raw request body as bytes, or undefined when it was already parsed into an object. */
export function rawBody(payload: unknown): Buffer | undefined {
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload === undefined || payload === null) return Buffer.alloc(0);
  return undefined;
}

/**
 * Verifies received webhooks for one scheme: signature (constant time), timestamp tolerance and,
 * when the scheme carries an id, that the id was not already accepted within the tolerance window.
 */
export class WebhookVerifier {
  private readonly check: VerifyFn;
  private readonly replay: ReplayGuard;

  constructor(config: SigningConfig, private readonly tolerance = DEFAULT_TOLERANCE_S) {
    this.check = SCHEME_IMPLEMENTATIONS[config.scheme].verifier(config.secrets, config.options);
    // An id older than the tolerance fails the timestamp check anyway; twice the window covers both directions.
    this.replay = new ReplayGuard(Math.max(2 * tolerance, 1));
  }

  verify(headers: unknown, payload: unknown, now = Math.floor(Date.now() / 1000)): VerifyOutcome {
    const body = rawBody(payload);
    if (!body) {
      return reject('body-not-raw', 'msg.payload was already parsed into an object; tick "Do not parse request body" on the http in node so the exact bytes can be checked');
    }
    const outcome = this.check({ headers: normaliseHeaders(headers), body, now, tolerance: this.tolerance });
    if (!outcome.ok || outcome.id === undefined) return outcome;
    if (this.replay.has(outcome.id, now)) return reject('replayed', `webhook id ${outcome.id.slice(0, 64)} was already accepted`);
    this.replay.record(outcome.id, now);
    return outcome;
  }
}
