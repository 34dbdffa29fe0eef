import { spoolIdOf } from '../spoolman';

/**
 * The OctoPrint Spoolman plugin (identifier `Spoolman`) fires this custom event when a spool is chosen
 * for a tool; OctoPrint pushes it like any event: `{"event": {"type": …, "payload": {toolIdx, spoolId}}}`
 * with `spoolId` a string (or null when the tool's spool is cleared). docs/octoprint.md, "Material".
 */
export const SPOOL_SELECTED = 'plugin_Spoolman_spool_selected';

/** The plugin's own REST route listing Spoolman's spools: `{data: {spools: [spool…]}}`. */
export const SPOOLS_PATH = 'plugin/Spoolman/spoolman/spools';

export interface SpoolSelection {
  /** `tool0`, `tool1` … */
  tray: string;
  spoolId: number | undefined;
}

/** The tool and spool of a spool_selected payload, or undefined when the payload names no tool. */
export function spoolSelection(payload: Record<string, unknown>): SpoolSelection | undefined {
  const tool = payload.toolIdx;
  if (typeof tool !== 'number' || !Number.isInteger(tool) || tool < 0 || tool > 63) return undefined;
  const raw = payload.spoolId;
  const id = typeof raw === 'string' && /^\d{1,15}$/.test(raw.trim()) ? Number(raw) : raw;
  return { tray: `tool${tool}`, spoolId: spoolIdOf(id) };
}

/** The spool with this id in the plugin's spool list answer, or undefined. */
export function spoolInList(answer: unknown, id: number): unknown {
  const data = answer && typeof answer === 'object' ? (answer as Record<string, unknown>).data : undefined;
  const spools = data && typeof data === 'object' ? (data as Record<string, unknown>).spools : undefined;
  if (!Array.isArray(spools)) return undefined;
  return spools.find((s) => s !== null && typeof s === 'object' && (s as Record<string, unknown>).id === id);
}
