import type { PrinterEvent } from '../../../../src/event';
import type { PrinterView } from '../../../../src/sources/prusalink/merge';
import { PrusaLinkMonitor, type MonitorOptions } from '../../../../src/sources/prusalink/monitor';

// Poll views as the poller would hand them over, and a monitor that records what it emits.

export function job(id: number, progress: number, extra: Partial<NonNullable<PrinterView['job']>> = {}): PrinterView['job'] {
  return { id, progress, elapsed_s: Math.round(progress * 30), remaining_s: Math.round((100 - progress) * 30), file: 'benchy.bgcode', ...extra };
}

export const idle = (bedTemp = 24): PrinterView => ({ state: 'IDLE', bedTemp });
export const printing = (id: number, progress: number, bedTemp = 60): PrinterView => ({ state: 'PRINTING', job: job(id, progress), bedTemp });
export const paused = (id: number, progress: number): PrinterView => ({ state: 'PAUSED', job: job(id, progress), bedTemp: 60 });
export const attention = (id: number, progress: number): PrinterView => ({ state: 'ATTENTION', job: job(id, progress), bedTemp: 60 });
export const finished = (bedTemp = 55): PrinterView => ({ state: 'FINISHED', bedTemp });
export const stopped = (): PrinterView => ({ state: 'STOPPED', bedTemp: 55 });
export const errored = (message?: string): PrinterView => ({ state: 'ERROR', bedTemp: 55, printerProblem: message });
export const busy = (): PrinterView => ({ state: 'BUSY', bedTemp: 60 });

export interface Recorder {
  monitor: PrusaLinkMonitor;
  events: PrinterEvent[];
  types(prefix?: string): string[];
}

export function recorder(options: Partial<MonitorOptions> = {}): Recorder {
  const events: PrinterEvent[] = [];
  const monitor = new PrusaLinkMonitor({ printer: { id: 'prusalink-test', name: 'MK4', kind: 'prusalink' }, emit: (e) => events.push(e), offlineDelayMs: 0, ...options });
  return {
    monitor,
    events,
    types: (prefix = 'print.') => events.filter((e) => e.type.startsWith(prefix)).map((e) => e.type),
  };
}
