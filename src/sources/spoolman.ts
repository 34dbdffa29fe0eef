import type { MaterialInfo } from '../event';

/** A Spoolman spool id: a positive safe integer, else undefined. */
export function spoolIdOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * The filament of a Spoolman spool (`GET /api/v1/spool/{id}`, or one entry of `GET /api/v1/spool`):
 * `filament.material` → type, `filament.color_hex` → `#RRGGBB`, `filament.name` → name.
 */
export function spoolMaterial(spoolId: number, spool: unknown): MaterialInfo {
  const filament = spool && typeof spool === 'object' ? (spool as Record<string, unknown>).filament : undefined;
  const f = filament && typeof filament === 'object' ? (filament as Record<string, unknown>) : {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 64) : undefined);
  const hex = typeof f.color_hex === 'string' && /^#?[0-9a-f]{6}([0-9a-f]{2})?$/i.test(f.color_hex) ? f.color_hex.replace(/^#/, '').slice(0, 6).toUpperCase() : undefined;
  return { type: str(f.material), color: hex ? `#${hex}` : undefined, name: str(f.name), spool_id: spoolId };
}
