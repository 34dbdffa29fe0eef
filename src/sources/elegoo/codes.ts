/**
 * Elegoo status tables, one per model family (docs/elegoo.md, "Status codes"). Each raw code becomes a
 * print phase; the monitor maps phases onto the shared job states. Codes the tables do not know are
 * `unknown`, which changes nothing.
 */

/** What the printer is doing with the job, independent of the family's numbering. */
export type PrintPhase =
  | 'idle'
  | 'preparing'
  | 'printing'
  | 'pausing'
  | 'paused'
  | 'resuming'
  | 'stopping'
  | 'cancelled'
  | 'completed'
  | 'failed'
  | 'unknown';

/** The three families a config chooses: SDCP FDM (Centauri Carbon), SDCP resin, Centauri Carbon 2 (MQTT). */
export type ElegooModel = 'cc' | 'resin' | 'cc2';

export const ELEGOO_MODELS: readonly ElegooModel[] = ['cc', 'resin', 'cc2'];

/**
 * Centauri Carbon PrintInfo.Status, after the firmware's own print_stats enum (not the community
 * tables, which disagree). 1 (homing) shows up both while warming up and while cancelling, so it
 * changes nothing; 23-26 have no agreed meaning.
 */
const FDM_PHASES: Record<number, PrintPhase> = {
  0: 'idle',
  1: 'unknown',
  5: 'pausing',
  6: 'paused',
  7: 'stopping',
  8: 'cancelled',
  9: 'completed',
  10: 'preparing',
  11: 'preparing',
  12: 'resuming',
  13: 'printing',
  14: 'failed',
  15: 'preparing',
  16: 'preparing',
  17: 'preparing',
  18: 'preparing',
  19: 'preparing',
  20: 'preparing',
  21: 'preparing',
  22: 'preparing',
};

/** SDCP V3 resin PrintInfo.Status: homing, dropping, exposing and lifting are all part of printing. */
const RESIN_PHASES: Record<number, PrintPhase> = {
  0: 'idle',
  1: 'printing',
  2: 'printing',
  3: 'printing',
  4: 'printing',
  5: 'pausing',
  6: 'paused',
  7: 'stopping',
  8: 'cancelled',
  9: 'completed',
  10: 'preparing',
};

/** Centauri Carbon 2 machine_status.sub_status while machine_status.status is 2 (printing). */
const CC2_PRINT_SUB_PHASES: Record<number, PrintPhase> = {
  1045: 'preparing',
  1096: 'preparing',
  1405: 'preparing',
  1906: 'preparing',
  2801: 'preparing',
  2802: 'preparing',
  2901: 'preparing',
  2902: 'preparing',
  2075: 'printing',
  2077: 'completed',
  2401: 'resuming',
  2402: 'resuming',
  2501: 'pausing',
  2502: 'paused',
  2505: 'paused',
  2503: 'stopping',
  2504: 'cancelled',
};

/** CC2 machine_status.status values. */
export const CC2_IDLE = 1;
export const CC2_PRINTING = 2;
export const CC2_EMERGENCY_STOP = 14;

/** CC2 error code for a filament runout (a request error code; also listed in exception_status per community notes). */
export const CC2_RUNOUT_CODE = 109;

export function sdcpPhase(model: 'cc' | 'resin', status: number | undefined): PrintPhase {
  if (status === undefined) return 'unknown';
  return (model === 'resin' ? RESIN_PHASES : FDM_PHASES)[status] ?? 'unknown';
}

/** The CC2 phase from machine_status.status and sub_status. */
export function cc2Phase(status: number | undefined, subStatus: number | undefined): PrintPhase {
  if (status === CC2_EMERGENCY_STOP) return 'failed';
  if (status === CC2_IDLE) return 'idle';
  if (status !== CC2_PRINTING) return 'unknown';
  return (subStatus !== undefined ? CC2_PRINT_SUB_PHASES[subStatus] : undefined) ?? 'printing';
}

/** Resin ErrorNumber texts (SDCP V3); 0 is "no error". */
const RESIN_ERRORS: Record<number, string> = {
  1: 'File MD5 check failed',
  2: 'File read failed',
  3: 'Resolution does not match the printer',
  4: 'File format not recognised',
  5: 'File made for another printer model',
};

export function resinErrorText(code: number): string {
  return RESIN_ERRORS[code] ?? `Printer error ${code}`;
}

/** Texts of CC2 exception codes the community notes name; others are shown by number. */
const CC2_EXCEPTIONS: Record<number, string> = {
  [CC2_RUNOUT_CODE]: 'Filament ran out',
  1026: 'Bed mesh missing',
};

export function cc2ExceptionText(code: number): string {
  return CC2_EXCEPTIONS[code] ?? `Printer exception ${code}`;
}
