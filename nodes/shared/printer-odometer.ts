import type { Node, NodeAPI } from 'node-red';
import { buildEvent, type PrinterEvent, type PrinterRef } from '../../src/event';
import { filamentMetres, Odometer } from '../../src/odometer/odometer';
import { OdometerFile, odometerDir } from '../../src/odometer/odometer-file';
import { parseMaintenanceRules, type MaintenanceRule } from '../../src/odometer/rules';
import { toError } from './errors';

/** One printer config node's odometer as its source nodes share it (docs/maintenance.md). */
export interface PrinterOdometer {
  /** Why the maintenance field cannot be used, or undefined. */
  readonly rulesError?: string;
  /** Counts one event; gives the printer.maintenance_due events it caused (the same ones to every source node). */
  observe(event: PrinterEvent): PrinterEvent[];
  /** Clears the rules with this task (`*`: all); gives the tasks cleared, throws when none matches. */
  reset(task: string): string[];
}

const byConfigNode = new WeakMap<Node, PrinterOdometer>();
const REMEMBERED = 64;

/**
 * The odometer of a printer config node: made by the first source node that uses it, kept while the
 * config node is deployed, saved under `<userDir>/printhooks/odometer/<config node id>.json` and deleted
 * with the config node. Without a user dir it counts in memory only.
 */
export function printerOdometer(RED: NodeAPI, configNode: Node, printer: PrinterRef, rulesText: unknown, warn: (message: string) => void): PrinterOdometer {
  const existing = byConfigNode.get(configNode);
  if (existing) return existing;
  let rules: MaintenanceRule[] = [];
  let rulesError: string | undefined;
  try {
    rules = parseMaintenanceRules(rulesText);
  } catch (err) {
    rulesError = toError(err).message;
  }
  const userDir = (RED.settings as unknown as { userDir?: unknown }).userDir;
  const file = typeof userDir === 'string' && userDir !== '' ? new OdometerFile(odometerDir(userDir), configNode.id, warn) : undefined;
  const odometer = new Odometer(rules, file?.load(), Date.now());
  const dueFor = new Map<string, PrinterEvent[]>();
  configNode.on('close', (removed: boolean, done: () => void) => {
    byConfigNode.delete(configNode);
    if (!file) return done();
    file.close(removed === true).then(done, done);
  });

  const shared: PrinterOdometer = {
    rulesError,
    observe(event) {
      const known = dueFor.get(event.id);
      if (known) return known;
      if (event.type === 'printer.maintenance_due') return [];
      const seen = odometer.observe(event, Date.now(), filamentMetres(event));
      if (seen.changed) file?.save(odometer.snapshot());
      const due = seen.due.map((maintenance) =>
        buildEvent({ type: 'printer.maintenance_due', printer, maintenance, discriminator: `${maintenance.counter}:${maintenance.every}:${maintenance.task}@${maintenance.value}` }),
      );
      dueFor.set(event.id, due);
      if (dueFor.size > REMEMBERED) dueFor.delete(dueFor.keys().next().value as string);
      return due;
    },
    reset(task) {
      if (rules.length === 0) throw new Error(rulesError ? `maintenance reset: the rules cannot be read (${rulesError})` : 'maintenance reset: this printer has no maintenance rules');
      const cleared = odometer.reset(task);
      if (cleared.length === 0) throw new Error(`maintenance reset: no rule has the task "${task.slice(0, 80)}"; the tasks are: ${odometer.tasks().join(', ')} (or "*" for all)`);
      file?.save(odometer.snapshot());
      return cleared;
    },
  };
  byConfigNode.set(configNode, shared);
  if (rulesError) warn(rulesError);
  return shared;
}
