import type { PrinterMessage } from '../../event';
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

/** The title of a host prompt (Klipper's `// action:prompt_begin <title>`), or undefined without the prefix. */
export function promptMessage(title: string, prefix: string | undefined): PrinterMessage | undefined {
  const text = withPrefix(title, prefix);
  return text === undefined ? undefined : { text, source: 'action:prompt', level: 'warning' };
}

/** Spoolman's spool id and filament, shared with OctoPrint's Spoolman plugin (src/sources/spoolman.ts). */
export { spoolIdOf, spoolMaterial } from '../spoolman';
