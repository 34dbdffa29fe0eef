import path from 'node:path';
import type { Node, NodeAPI } from 'node-red';
import { PrinterMarks } from '../../src/filter/printer-marks';
import { decodeMarksInto, encodeMarks } from '../../src/filter/state-codec';
import { readStateFile, ThrottledStateFile } from '../../src/filter/state-file';

/** Optional runtime settings (settings.js `printhooks: { filter: {...} }`), mostly for tests and benches. */
interface FilterSettings {
  /** Least time between two writes of the state file, ms (default 1000). */
  writeIntervalMs?: number;
  /** Most printers one filter remembers (default 10 000); past it the one idle the longest is forgotten. */
  printerCap?: number;
}

const EVICTION_WARNING_EVERY_MS = 60_000;

export interface FilterState {
  marks: PrinterMarks;
  /** Where the marks are kept, or undefined when Node-RED has no user dir (kept in memory only). */
  file?: string;
  /** Writes what is pending; `removed` (the node was deleted) deletes the file instead. */
  close(removed: boolean): Promise<void>;
}

/** The folder of the filter state files under a Node-RED user dir (docs/filter.md). */
export function filterStateDir(userDir: string): string {
  return path.join(userDir, 'printhooks', 'filter');
}

/**
 * The per-printer marks of one filter node, restored from `<userDir>/printhooks/filter/<node id>.json`
 * and written back (atomic, throttled) whenever they change (docs/filter.md, "What survives a restart").
 */
export function openFilterState(RED: NodeAPI, node: Node, cooldownMs: number): FilterState {
  const settings = ((RED.settings as unknown as { printhooks?: { filter?: FilterSettings } }).printhooks?.filter ?? {}) as FilterSettings;
  const onChange = { write: (): void => undefined };
  const marks = new PrinterMarks({
    cap: settings.printerCap,
    onEvict: evictionWarner(node),
    onChange: () => onChange.write(),
  });
  const userDir = RED.settings.userDir;
  if (!userDir) return { marks, close: async () => undefined };

  const file = path.join(filterStateDir(userDir), `${fileKey(node)}.json`);
  const read = readStateFile(file, (text) => decodeMarksInto(text, marks));
  if (read.warning) node.warn(`printhooks-filter: ${read.warning}`);
  let lastError = '';
  const writer = new ThrottledStateFile(
    file,
    () => encodeMarks(marks, Date.now(), cooldownMs),
    (err) => {
      if (err.message !== lastError) node.warn(`printhooks-filter: could not write ${file} (${err.message}); milestones may repeat after a restart until it can`);
      lastError = err.message;
    },
    settings.writeIntervalMs,
  );
  onChange.write = () => writer.markDirty();
  return { marks, file, close: (removed) => (removed ? writer.remove() : writer.flush()) };
}

/** Stable across restarts, also inside a subflow (whose nodes get a new id each start but keep `_alias`). */
function fileKey(node: Node): string {
  const alias = (node as unknown as { _alias?: string })._alias;
  const key = alias ? `${node.z}-${alias}` : node.id;
  return key.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Warns at the first eviction, then at most once a minute with how many more were forgotten. */
function evictionWarner(node: Node): (printerId: string) => void {
  let since = 0;
  let lastWarnAt = -Infinity;
  return (printerId) => {
    since += 1;
    const now = Date.now();
    if (now - lastWarnAt < EVICTION_WARNING_EVERY_MS) return;
    node.warn(`printhooks-filter: more printers than the cap (printerCap); forgot ${since} idle the longest (last ${JSON.stringify(printerId.slice(0, 80))}), whose next milestone may repeat`);
    since = 0;
    lastWarnAt = now;
  };
}
