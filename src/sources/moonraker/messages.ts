import type { MaterialInfo, PrinterMessage } from '../../event';
import { withPrefix } from '../printer-message';

/**
 * Which console lines (notify_gcode_response) are messages for a person (docs/moonraker.md, "Printer
 * messages"): `echo: text` (RESPOND's default prefix), `// action:notification text`, and, once a
 * message prefix is set, any line that starts with it (`RESPOND PREFIX=notify MSG=…` prints
 * `notify …`). Errors (`!! `) and host prompts are handled elsewhere; other `// ` lines are Klipper's
 * own command output and count only with the prefix.
 */
export function consoleMessage(line: string, prefix: string | undefined): PrinterMessage | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('!!')) return undefined;
  const wanted = (prefix ?? '').trim();
  let body: string;
  let source = 'RESPOND';
  if (trimmed.startsWith('// action:')) {
    const action = /^\/\/ action:notification\s+(.*)$/.exec(trimmed);
    if (!action) return undefined;
    body = action[1];
    source = 'action:notification';
  } else if (/^echo:/i.test(trimmed)) {
    body = trimmed.slice(5);
  } else if (trimmed.startsWith('//')) {
    if (wanted === '') return undefined;
    body = trimmed.slice(2);
  } else {
    if (wanted === '') return undefined;
    body = trimmed;
  }
  const text = withPrefix(body, wanted);
  return text === undefined ? undefined : { text, source, level: 'info' };
}

/** display_status.message (the last M117) as a message, or undefined when it is empty or lacks the prefix. */
export function displayMessage(value: unknown, prefix: string | undefined): PrinterMessage | undefined {
  if (typeof value !== 'string') return undefined;
  const text = withPrefix(value, prefix);
  return text === undefined ? undefined : { text, source: 'M117', level: 'info' };
}

/** A Spoolman spool id as Moonraker reports it (`spool_id`: a positive integer, or null for none). */
export function spoolIdOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** The filament of a Spoolman spool (GET /v1/spool/{id} through server.spoolman.proxy). */
export function spoolMaterial(spoolId: number, spool: unknown): MaterialInfo {
  const filament = spool && typeof spool === 'object' ? (spool as Record<string, unknown>).filament : undefined;
  const f = filament && typeof filament === 'object' ? (filament as Record<string, unknown>) : {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 64) : undefined);
  const hex = typeof f.color_hex === 'string' && /^#?[0-9a-f]{6}([0-9a-f]{2})?$/i.test(f.color_hex) ? f.color_hex.replace(/^#/, '').slice(0, 6).toUpperCase() : undefined;
  return { type: str(f.material), color: hex ? `#${hex}` : undefined, name: str(f.name), spool_id: spoolId };
}
