import type { JobState } from '../../observation';

/**
 * The `state` codes of the port-9999 status with the labels Creality Print shows for them
 * (docs/creality.md, "State codes"). `job` is the tracker state a code means; codes that are a step
 * between two states (pausing is already a pause; stopping, restoring and the 101-103 command echoes)
 * say `hold`: keep the state we had.
 */
export const STATE_CODES: Readonly<Record<number, { label: string; job: JobState | 'hold' }>> = {
  0: { label: 'idle', job: 'idle' },
  1: { label: 'printing', job: 'printing' },
  2: { label: 'printing complete', job: 'finished' },
  3: { label: 'printing failed', job: 'failed' },
  4: { label: 'print aborted', job: 'cancelled' },
  5: { label: 'paused', job: 'paused' },
  6: { label: 'pausing', job: 'paused' },
  7: { label: 'stopping', job: 'hold' },
  8: { label: 'restoring', job: 'hold' },
  101: { label: 'ending the print', job: 'hold' },
  102: { label: 'pausing', job: 'hold' },
  103: { label: 'resuming', job: 'hold' },
};

/** The state code as a number (the printer may send it as a string), or undefined. */
export function stateCode(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

export function stateLabel(code: number | undefined): string | undefined {
  if (code === undefined) return undefined;
  return STATE_CODES[code]?.label ?? `state ${code}`;
}

/** Codes after which a move to printing is a new job. */
export function isIdleCode(code: number | undefined): boolean {
  return code === undefined || code === 0 || code === 2 || code === 3 || code === 4;
}

export function isActiveCode(code: number | undefined): boolean {
  return code === 1 || code === 5 || code === 6;
}

/**
 * What Creality Print's error table says of a few `err.key` values (docs/creality.md, "Errors"): the
 * text is ours, the level is the printer's (1-3; 3 stops the print). Unknown keys keep their number.
 */
const KNOWN_ERRORS: Readonly<Record<number, { message: string; level: number }>> = {
  1: { message: 'Motor drive fault', level: 1 },
  4: { message: 'Nozzle not heating', level: 1 },
  101: { message: 'Paused to protect print quality', level: 1 },
  115: { message: 'Power-loss recovery is waiting for a decision (CM0115)', level: 3 },
  116: { message: 'Printer fault TR0116', level: 3 },
  209: { message: 'Bed temperature fault', level: 1 },
  2838: { message: 'CFS fault FO2838', level: 1 },
  2839: { message: 'Filament ran out (FR2839)', level: 1 },
  30000: { message: 'Filament ran out while printing', level: 1 },
  30010: { message: 'Filament ran out', level: 1 },
};

/** Keys that mean a filament runout (Creality Print sets 30000 while printing, 30010 otherwise). */
export const RUNOUT_KEYS: ReadonlySet<number> = new Set([2839, 30000, 30010]);

export function errorText(key: number): { message: string; level?: number } {
  return KNOWN_ERRORS[key] ?? { message: `Printer error ${key}` };
}
