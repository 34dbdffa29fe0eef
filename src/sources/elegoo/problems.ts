import { unreachableText } from '../error-target';
import type { LinkProblem } from './link';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE']);

/** The text of the SDCP printer's refusal when its client limit is reached (HTTP 500 on the upgrade). */
export const TOO_MANY_CLIENTS = /too many client/i;

/** Classifies a socket or MQTT error for the status line and the Test button. */
export function describeProblem(error: unknown): { problem: LinkProblem; message: string } {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const code = e.code;
  const text = typeof e.message === 'string' ? e.message : String(error);
  // CONNACK 4 (bad user name or password) / 5 (not authorized): MQTT 3.1.1.
  if (code === 4 || code === 5) return { problem: 'auth', message: 'access code rejected: copy it from the printer\'s network settings' };
  // the code then where, as the other sources' status reads: "connection refused: 127.0.0.1:3030"
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { problem: 'unreachable', message: unreachableText(code, error) };
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(text)) return { problem: 'timeout', message: 'no answer from the printer' };
  return { problem: 'protocol', message: text };
}

/** The words shown when the printer refuses another client. */
export function busyMessage(retryMs: number): string {
  return `too many clients on the printer: retrying in ${Math.round(retryMs / 1000)} s`;
}
