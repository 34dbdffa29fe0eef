import type { EventError } from '../../event';
import { finiteNumber } from '../plausible';
import { cc2ExceptionText, cc2Phase, CC2_RUNOUT_CODE, resinErrorText, sdcpPhase, type PrintPhase } from './codes';

/**
 * One printer report in family-neutral terms (docs/elegoo.md, "Status codes"): what the monitor needs
 * for the shared tracker, whichever protocol and table it came from. Absent = not reported.
 */
export interface ElegooReading {
  phase: PrintPhase;
  /** The raw code that gave the phase (PrintInfo.Status, or the CC2 sub_status), for error texts. */
  code?: number;
  taskId?: string;
  file?: string;
  progress?: number;
  layer?: number;
  layers?: number;
  elapsed_s?: number;
  remaining_s?: number;
  bedTemp?: number;
  /** Faults the printer reports right now (resin ErrorNumber, CC2 exception_status). */
  errors: EventError[];
  /** The printer says it is out of filament (CC2: sensor or exception 109). */
  runout: boolean;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 512) : undefined;
}

function baseName(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const name = path.split('/').pop();
  return name ? name : undefined;
}

function percent(value: unknown): number | undefined {
  return finiteNumber(value, 0, 100);
}

function count(value: unknown): number | undefined {
  const n = finiteNumber(value, 0, 1e7);
  return n === undefined ? undefined : Math.floor(n);
}

/**
 * An SDCP `Status` object (Centauri Carbon or resin). Print time is in seconds on the Centauri Carbon
 * and in milliseconds on resin printers; resin reports no Progress, so layers give it.
 */
export function sdcpReading(status: Record<string, unknown>, model: 'cc' | 'resin'): ElegooReading {
  const info = record(status.PrintInfo);
  const code = finiteNumber(info.Status, 0, 1e6);
  const phase = sdcpPhase(model, code);
  const layer = count(info.CurrentLayer);
  const layers = count(info.TotalLayer);
  const unit = model === 'resin' ? 1000 : 1;
  const ticks = finiteNumber(info.CurrentTicks, 0, 1e12);
  const total = finiteNumber(info.TotalTicks, 0, 1e12);
  let progress = model === 'resin' ? undefined : percent(info.Progress);
  if (progress === undefined && layer !== undefined && layers !== undefined && layers > 0) progress = Math.min(100, (layer / layers) * 100);
  if (phase === 'completed') progress = 100;
  const reading: ElegooReading = {
    phase,
    code,
    taskId: text(info.TaskId),
    file: baseName(text(info.Filename)),
    progress,
    layer: layer !== undefined && layer >= 1 ? layer : undefined,
    layers: layers !== undefined && layers >= 1 ? layers : undefined,
    elapsed_s: ticks !== undefined ? Math.round(ticks / unit) : undefined,
    remaining_s: ticks !== undefined && total !== undefined && total >= ticks ? Math.round((total - ticks) / unit) : undefined,
    bedTemp: finiteNumber(status.TempOfHotbed, -50, 500),
    errors: [],
    runout: false,
  };
  const errorNumber = finiteNumber(info.ErrorNumber, 0, 1e6);
  if (errorNumber !== undefined && errorNumber > 0) {
    reading.errors.push({ code: `error_number_${errorNumber}`, message: resinErrorText(errorNumber), severity: 'error' });
  }
  return reading;
}

/** Most exception codes kept per report: a printer listing thousands must not flood the flow. */
const MAX_EXCEPTIONS = 16;

/** The merged CC2 state (a full status with every delta applied). */
export function cc2Reading(state: Record<string, unknown>): ElegooReading {
  const machine = record(state.machine_status);
  const print = record(state.print_status);
  const extruder = record(state.extruder);
  const status = finiteNumber(machine.status, 0, 1e6);
  const sub = finiteNumber(machine.sub_status, 0, 1e6);
  let phase = cc2Phase(status, sub);
  const exceptions = Array.isArray(machine.exception_status)
    ? machine.exception_status.slice(0, MAX_EXCEPTIONS).map((c) => finiteNumber(c, 0, 1e9)).filter((c): c is number => c !== undefined)
    : [];
  const sensorEnabled = extruder.filament_detect_enable === undefined || Number(extruder.filament_detect_enable) !== 0;
  const sensorEmpty = extruder.filament_detected !== undefined && Number(extruder.filament_detected) === 0 && sensorEnabled;
  const runout = exceptions.includes(CC2_RUNOUT_CODE) || sensorEmpty;
  const faults = exceptions.filter((c) => c !== CC2_RUNOUT_CODE);
  // A stop with a fault listed is a failure, not the user's cancel (inferred: docs/elegoo.md).
  if (phase === 'cancelled' && faults.length > 0) phase = 'failed';
  let progress = percent(machine.progress) ?? percent(print.progress);
  if (phase === 'completed') progress = 100;
  const layer = count(print.current_layer);
  const layers = count(print.total_layer);
  const elapsed = finiteNumber(print.print_duration, 0, 1e9);
  const remaining = finiteNumber(print.remaining_time_sec, 0, 1e9);
  return {
    phase,
    code: sub ?? status,
    taskId: text(print.uuid),
    file: baseName(text(print.filename)),
    progress,
    layer: layer !== undefined && layer >= 1 ? layer : undefined,
    layers: layers !== undefined && layers >= 1 ? layers : undefined,
    elapsed_s: elapsed !== undefined ? Math.round(elapsed) : undefined,
    remaining_s: remaining !== undefined ? Math.round(remaining) : undefined,
    bedTemp: finiteNumber(record(state.heater_bed).temperature, -50, 500),
    errors: faults.map((c) => ({ code: `exception_${c}`, message: cc2ExceptionText(c), severity: 'error' })),
    runout,
  };
}
