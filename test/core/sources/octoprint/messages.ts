// Push messages shaped like OctoPrint 1.11's (docs/octoprint.md), written for these tests.
import type { PushFrame } from '../../../../src/sources/octoprint/frames';
import { parseFrame } from '../../../../src/sources/octoprint/frames';

export const FILE = 'benchy.gcode';
const BASE_FLAGS = { operational: true, printing: false, cancelling: false, pausing: false, resuming: false, finishing: false, closedOrError: false, error: false, paused: false, ready: true, sdReady: false };

export interface StateSpec {
  text?: string;
  flags?: Record<string, boolean>;
  file?: string | null;
  completion?: number | null;
  printTime?: number | null;
  markings?: Array<{ type: string; time: number }>;
  serverTime?: number;
  error?: string;
  bed?: number;
}

export function stateBody(spec: StateSpec): Record<string, unknown> {
  const file = spec.file === undefined ? FILE : spec.file;
  return {
    state: { text: spec.text ?? 'Operational', flags: { ...BASE_FLAGS, ...spec.flags }, error: spec.error ?? '' },
    job: { file: file ? { name: file, path: file, display: file, origin: 'local', size: 1000, date: 1 } : { name: null, path: null, origin: null } },
    progress: { completion: spec.completion ?? null, filepos: 0, printTime: spec.printTime ?? null, printTimeLeft: null },
    markings: spec.markings ?? [],
    temps: spec.bed === undefined ? [] : [{ time: 1, tool0: { actual: 200, target: 0 }, bed: { actual: spec.bed + 5, target: 0 } }, { time: 2, bed: { actual: spec.bed, target: 0 } }],
    serverTime: spec.serverTime,
  };
}

export const printing = (completion: number, extra: StateSpec = {}): StateSpec => ({ text: 'Printing', flags: { printing: true, ready: false }, completion, printTime: completion * 10, ...extra });

export function history(spec: StateSpec): PushFrame {
  return parseFrame(JSON.stringify({ history: stateBody(spec) }));
}

export function current(spec: StateSpec): PushFrame {
  return parseFrame(JSON.stringify({ current: stateBody(spec) }));
}

export function event(type: string, payload: Record<string, unknown> | null = {}): PushFrame {
  return parseFrame(JSON.stringify({ event: { type, payload } }));
}

export function filePayload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: FILE, path: FILE, origin: 'local', size: 1000, owner: 'alice', ...extra };
}

export function plugin(id: string, data: Record<string, unknown>): PushFrame {
  return parseFrame(JSON.stringify({ plugin: { plugin: id, data } }));
}
