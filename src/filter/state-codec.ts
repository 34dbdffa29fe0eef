import { liveStamps } from './cooldown';
import type { PrinterEntry, PrinterMarks } from './printer-marks';

/**
 * The filter's state file (docs/filter.md, "What survives a restart"): plain JSON, no secrets.
 * Printers are a list, not an object, so a printer id such as "__proto__" stays plain data.
 */
export const STATE_FORMAT = 'printhooks-filter-state';
export const STATE_VERSION = 1;

interface StoredPrinter {
  printer: string;
  job: string;
  milestone: number;
  ended?: boolean;
  progressAt?: number;
  layerAt?: number;
  remainingSent?: boolean;
  cooldown?: Array<[string, number]>;
}

export function encodeMarks(marks: PrinterMarks, nowMs: number, cooldownMs: number): string {
  const printers: StoredPrinter[] = [];
  for (const [printer, entry] of marks.entries()) {
    const stored: StoredPrinter = { printer, job: entry.job, milestone: entry.milestone };
    if (entry.ended) stored.ended = true;
    if (entry.progressAt !== undefined) stored.progressAt = entry.progressAt;
    if (entry.layerAt !== undefined) stored.layerAt = entry.layerAt;
    if (entry.remainingSent) stored.remainingSent = true;
    const stamps = liveStamps(entry.cooldown, nowMs, cooldownMs);
    if (stamps.length > 0) stored.cooldown = stamps;
    printers.push(stored);
  }
  return `${JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, savedAt: new Date(nowMs).toISOString(), printers })}\n`;
}

/** Reads a state file's text into `marks`; throws (naming what is wrong) when the file is not one of ours. */
export function decodeMarksInto(text: string, marks: PrinterMarks): void {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed) || parsed.format !== STATE_FORMAT) throw new Error(`not a ${STATE_FORMAT} file`);
  if (parsed.version !== STATE_VERSION) throw new Error(`unknown version ${JSON.stringify(parsed.version)} (this release reads ${STATE_VERSION})`);
  if (!Array.isArray(parsed.printers)) throw new Error('"printers" is not a list');
  const entries = parsed.printers.map((item: unknown, i: number) => decodePrinter(item, i));
  for (const [printer, entry] of entries) marks.restore(printer, entry);
}

function decodePrinter(item: unknown, index: number): [string, PrinterEntry] {
  const where = `printers[${index}]`;
  if (!isRecord(item)) throw new Error(`${where} is not an object`);
  const { printer, job, milestone, ended, cooldown, progressAt, layerAt, remainingSent } = item;
  if (typeof printer !== 'string') throw new Error(`${where}.printer is not text`);
  if (typeof job !== 'string') throw new Error(`${where}.job is not text`);
  if (typeof milestone !== 'number' || !(milestone >= 0 && milestone < 100)) throw new Error(`${where}.milestone is not a percent`);
  if (ended !== undefined && typeof ended !== 'boolean') throw new Error(`${where}.ended is not true/false`);
  const entry: PrinterEntry = { job, milestone, ended: ended === true };
  // the time marks came with the time step (docs/filter.md); files written before simply lack them
  if (progressAt !== undefined) entry.progressAt = epochMs(progressAt, `${where}.progressAt`);
  if (layerAt !== undefined) entry.layerAt = epochMs(layerAt, `${where}.layerAt`);
  if (remainingSent !== undefined) {
    if (typeof remainingSent !== 'boolean') throw new Error(`${where}.remainingSent is not true/false`);
    if (remainingSent) entry.remainingSent = true;
  }
  if (cooldown !== undefined) {
    if (!Array.isArray(cooldown)) throw new Error(`${where}.cooldown is not a list`);
    entry.cooldown = new Map();
    for (const pair of cooldown) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'number' || !Number.isFinite(pair[1])) {
        throw new Error(`${where}.cooldown holds something other than [type, time]`);
      }
      entry.cooldown.set(pair[0], pair[1]);
    }
  }
  return [printer, entry];
}

function epochMs(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${where} is not a time`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
