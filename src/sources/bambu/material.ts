import type { MaterialInfo, NozzleInfo } from '../../event';
import type { BambuState } from './merge';

/** A reading for a ChangeWatch (src/sources/change-watch.ts): the value and the key it is compared by. */
export interface Reading<T> {
  key: string;
  value: T;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 64) : undefined;
}

function integer(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,4}$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** `RRGGBBAA` as Bambu reports it → `#RRGGBB`; an all-zero colour is an empty slot. */
export function trayColor(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[0-9a-f]{6}([0-9a-f]{2})?$/i.test(value)) return undefined;
  if (/^0+$/.test(value)) return undefined;
  return `#${value.slice(0, 6).toUpperCase()}`;
}

/**
 * Where `ams.tray_now` points (docs/bambu.md, "Material"): 255 nothing, 254 the external spool
 * (`vt_tray`), 128–253 an AMS HT unit of that id (one tray), 0–127 AMS unit `n / 4`, tray `n % 4`.
 */
function activeTray(state: BambuState): { where: string; tray: Record<string, unknown> | undefined } | undefined {
  const ams = record(state.ams);
  const now = integer(ams?.tray_now);
  if (now === undefined || now === 255 || now > 255) return undefined;
  if (now === 254) return { where: 'external', tray: record(state.vt_tray) };
  const unitId = now >= 128 ? now : Math.floor(now / 4);
  const slot = now >= 128 ? 0 : now % 4;
  const units = Array.isArray(ams?.ams) ? ams.ams : [];
  const unit = record(units.find((u) => integer(record(u)?.id) === unitId));
  const trays = Array.isArray(unit?.tray) ? unit.tray : [];
  const tray = record(trays.find((t) => integer(record(t)?.id) === slot));
  return { where: `ams${unitId}/tray${slot}`, tray };
}

/** The filament loaded now, or undefined when nothing is loaded (or the report does not say). */
export function loadedMaterial(state: BambuState): Reading<MaterialInfo> | undefined {
  const active = activeTray(state);
  if (!active) return undefined;
  const value: MaterialInfo = {
    type: text(active.tray?.tray_type),
    color: trayColor(active.tray?.tray_color),
    tray: active.where,
    name: text(active.tray?.tray_sub_brands),
  };
  return { key: JSON.stringify([value.tray, value.type ?? null, value.color ?? null, value.name ?? null]), value };
}

/** The nozzle the report names (`nozzle_diameter` "0.4", `nozzle_type`), or undefined when it names none. */
export function reportedNozzle(state: BambuState): Reading<NozzleInfo> | undefined {
  const raw = typeof state.nozzle_diameter === 'string' || typeof state.nozzle_diameter === 'number' ? Number(state.nozzle_diameter) : Number.NaN;
  const diameter = Number.isFinite(raw) && raw > 0 && raw < 5 ? Math.round(raw * 100) / 100 : undefined;
  const type = text(state.nozzle_type);
  if (diameter === undefined && type === undefined) return undefined;
  return { key: JSON.stringify([diameter ?? null, type ?? null]), value: { diameter, type } };
}
