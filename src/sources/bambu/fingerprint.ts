/** SHA-256 certificate fingerprints: accepted in any case, with or without colons; kept as Node prints them. */
export function normalizeFingerprint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

/** True when the text is empty (nothing expected) or a valid fingerprint. */
export function isFingerprintOrEmpty(value: unknown): boolean {
  return value === undefined || value === null || String(value).trim() === '' || normalizeFingerprint(value) !== undefined;
}
