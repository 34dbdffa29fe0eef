import type { NodeAPI } from 'node-red';
import { isTerminalType, type EventType, type PrinterEvent } from '../../src/event';
import type { CaptureLimits } from '../../src/snapshot/capture-store';
import { captureDir, sharedCaptures } from '../../src/snapshot/captures';
import { fetchSnapshot, hasSnapshotProvider } from '../../src/snapshot/registry';

/** The printer config field `snapshotOn`: which events capture the camera image (docs/snapshots.md). */
export type SnapshotOn = 'terminal' | 'terminal-and-stops' | 'off';

const STOPS: readonly EventType[] = ['print.paused', 'printer.error', 'printer.attention'];

export function snapshotOnSetting(value: unknown): SnapshotOn {
  return value === 'terminal-and-stops' || value === 'off' ? value : 'terminal';
}

export function capturesEvent(on: SnapshotOn, type: EventType): boolean {
  if (on === 'off') return false;
  return isTerminalType(type) || (on === 'terminal-and-stops' && STOPS.includes(type));
}

/**
 * Starts the capture of the camera image for an event that takes one, keyed by the event id, and returns
 * at once: the event goes out before the image is in (the template waits for it, docs/snapshots.md).
 * Printers without a snapshot source (Elegoo, a config without a camera) capture nothing.
 */
export function eventCapturer(RED: NodeAPI, on: SnapshotOn, warn: (message: string) => void): (event: PrinterEvent) => void {
  const settings = RED.settings as unknown as { userDir?: unknown; printhooksSnapshotLimits?: Partial<CaptureLimits> };
  const dir = typeof settings.userDir === 'string' && settings.userDir !== '' ? captureDir(settings.userDir) : undefined;
  const store = sharedCaptures(dir, settings.printhooksSnapshotLimits);
  return (event) => {
    const printerId = event.printer.id;
    if (!capturesEvent(on, event.type) || !hasSnapshotProvider(printerId)) return;
    store.capture(event.id, () => fetchSnapshot(printerId), warn);
  };
}
