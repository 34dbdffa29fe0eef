/** A number from a node's config (the editor saves numbers as text) that is set, finite and not negative; else undefined. */
export function nonNegativeSetting(value: unknown): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** As nonNegativeSetting, but 0 counts as not set (for periods and ports). */
export function positiveSetting(value: unknown): number | undefined {
  const n = nonNegativeSetting(value);
  return n !== undefined && n > 0 ? n : undefined;
}
