import { buildEvent, isEventType, type EventType, type PrinterEvent } from '../event';

/** A realistic event of each type, for the editor preview and the "test" paths. */
export function sampleEvent(type: EventType | string, time: Date | string = new Date()): PrinterEvent {
  const chosen: EventType = isEventType(type) ? type : 'test';
  const printer = { id: 'sample-printer', name: 'Ender 3 (sample)', kind: 'test' as const };
  const job = { id: 'sample-job', file: 'benchy.gcode', started_at: '2026-11-23T16:00:00.000Z', layers: 140 };
  switch (chosen) {
    case 'print.started':
      return buildEvent({ type: chosen, time, printer, job: { ...job, progress: 0, layer: 1, remaining_s: 7980 } });
    case 'print.progress':
      return buildEvent({ type: chosen, time, printer, job: { ...job, progress: 50, elapsed_s: 3990, remaining_s: 3990, layer: 70 }, discriminator: 50 });
    case 'print.layer':
      return buildEvent({ type: chosen, time, printer, job: { ...job, progress: 1.5, layer: 2, elapsed_s: 120, remaining_s: 7860 }, discriminator: 2 });
    case 'print.paused':
    case 'printer.attention':
      return buildEvent({ type: chosen, time, printer, job: { ...job, progress: 31, layer: 44, elapsed_s: 2470 }, reason: 'filament_runout' });
    case 'print.resumed':
      return buildEvent({ type: chosen, time, printer, job: { ...job, progress: 31, layer: 44, elapsed_s: 2470 } });
    case 'print.done':
      return buildEvent({ type: chosen, time, printer, job: { ...job, progress: 100, layer: 140, elapsed_s: 7980, remaining_s: 0 } });
    case 'print.failed':
      return buildEvent({ type: chosen, time, printer, job: { ...job, progress: 12, layer: 17, elapsed_s: 960 }, error: { code: 'thermal_runaway', message: 'Heater extruder not heating at expected rate', severity: 'fatal' }, reason: 'error' });
    case 'print.cancelled':
      return buildEvent({ type: chosen, time, printer, job: { ...job, progress: 8, layer: 11, elapsed_s: 640 }, reason: 'cancelled' });
    case 'printer.error':
      return buildEvent({ type: chosen, time, printer, error: { code: '0300_400C', message: 'The task was cancelled', severity: 'error' }, discriminator: '0300_400C' });
    case 'printer.message':
      return buildEvent({ type: chosen, time, printer, message: { text: 'Filament change: load PETG', source: 'M117', level: 'info' }, discriminator: 'Filament change: load PETG' });
    case 'printer.material_changed':
      return buildEvent({ type: chosen, time, printer, material: { type: 'PETG', color: '#FF6A13', tray: 'ams0/tray2', name: 'PETG Basic' }, discriminator: 'ams0/tray2' });
    case 'printer.nozzle_changed':
      return buildEvent({ type: chosen, time, printer, nozzle: { diameter: 0.6, type: 'hardened_steel' }, discriminator: '0.6' });
    case 'printer.maintenance_due':
      return buildEvent({ type: chosen, time, printer, maintenance: { task: 'lubricate rods', counter: 'print_hours', every: 200, value: 201.5 }, discriminator: 'lubricate rods' });
    default:
      return buildEvent({ type: chosen, time, printer });
  }
}
