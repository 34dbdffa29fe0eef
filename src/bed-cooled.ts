/** The default for printer.bed_cooled: a bed below this is safe to clear (°C). */
export const DEFAULT_BED_COOLED_C = 35;

/**
 * Reads a config node's `bedCooled` field: °C below which printer.bed_cooled fires after a job;
 * empty = the default, 0 = off. Throws a message that names the field.
 */
export function parseBedCooled(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_BED_COOLED_C;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 150) {
    throw new Error(`bedCooled "${String(value)}" must be a temperature in °C from 0 (off) to 150`);
  }
  return n;
}
