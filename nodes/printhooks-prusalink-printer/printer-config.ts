import type { PrusaLinkAuth } from '../../src/sources/prusalink/client';
import type { PrinterCredentials } from './printer-node';

/** The firmware's Digest user is always "maker" (docs/prusalink.md, "Auth"). */
export const FIRMWARE_USER = 'maker';

/**
 * Digest (username + password) or X-Api-Key from the credentials. An API key wins when both are given (one
 * request per poll, no nonce to keep); a password without a user name is the firmware's "maker". Throws an
 * Error naming the fields when neither is there.
 */
export function authFrom(credentials: PrinterCredentials | undefined): PrusaLinkAuth {
  const apiKey = credentials?.apiKey?.trim() ?? '';
  const password = credentials?.password ?? '';
  const username = credentials?.username?.trim() ?? '';
  if (apiKey !== '') return { apiKey };
  if (password !== '') return { username: username || FIRMWARE_USER, password };
  if (username !== '') throw new Error('password: give the PrusaLink password for user "' + username + '" (or an API key instead)');
  throw new Error('password or apiKey: give the PrusaLink password (Digest) or the API key');
}

/** pollInterval in seconds (default 5, 1 to 300) as ms. */
export function pollMsFrom(value: unknown): number {
  const seconds = value === undefined || value === '' ? 5 : Number(value);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) {
    throw new Error(`pollInterval "${String(value)}" must be a number of seconds from 1 to 300 (default 5)`);
  }
  return Math.round(seconds * 1000);
}

/** offlineDelay in seconds (default 30, 0 or more) as ms. */
export function offlineDelayMsFrom(value: unknown): number {
  const seconds = value === undefined || value === '' ? 30 : Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`offlineDelay "${String(value)}" must be a number of seconds, 0 or more`);
  return Math.round(seconds * 1000);
}
