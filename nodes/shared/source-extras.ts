import type { Node, NodeAPI, NodeMessageInFlow } from 'node-red';
import type { PrinterEvent, PrinterRef } from '../../src/event';
import { failMsg, toError } from './errors';
import { eventCapturer, snapshotOnSetting } from './event-capture';
import { printerOdometer } from './printer-odometer';

/** What a source node adds around the events its monitor emits (docs/snapshots.md, docs/maintenance.md). */
export interface SourceExtras {
  /** Starts the capture the event takes, sends it, then the printer.maintenance_due events it caused. */
  forward(event: PrinterEvent, send: (event: PrinterEvent) => void): void;
  /** The source node's input: `msg.reset = "<task>"` (or topic `maintenance.reset` with the task as payload). */
  input(msg: NodeMessageInFlow, done: (err?: Error) => void): void;
}

/**
 * The saved fields of a printer config node, read from the deployed flows: the capture and
 * maintenance fields are the source's business, so the six config nodes need not carry them.
 */
function configFields(RED: NodeAPI, id: string): Record<string, unknown> {
  let found: Record<string, unknown> = {};
  RED.nodes.eachNode((n: unknown) => {
    const def = n as Record<string, unknown>;
    if (def.id === id) found = def;
  });
  return found;
}

export function sourceExtras(RED: NodeAPI, node: Node, configNode: Node, printer: PrinterRef): SourceExtras {
  const fields = configFields(RED, configNode.id);
  const warn = (message: string): void => node.warn(message);
  const capture = eventCapturer(RED, snapshotOnSetting(fields.snapshotOn), warn);
  const odometer = printerOdometer(RED, configNode, printer, fields.maintenance, (message) => node.error(message));
  return {
    forward(event, send) {
      // neither extra may ever cost the event itself (docs/robustness.md)
      try {
        capture(event);
      } catch (err) {
        warn(`snapshot: ${toError(err).message}`);
      }
      send(event);
      let due: PrinterEvent[] = [];
      try {
        due = odometer.observe(event);
      } catch (err) {
        warn(`odometer: ${toError(err).message}`);
      }
      for (const reminder of due) send(reminder);
    },
    input(msg, done) {
      const m = msg as unknown as Record<string, unknown>;
      const task = m.reset !== undefined ? m.reset : m.topic === 'maintenance.reset' ? m.payload : undefined;
      if (task === undefined) {
        failMsg(node, new Error('input: send msg.reset = "<task>" (or "*") to clear a maintenance reminder'), done);
        return;
      }
      if (typeof task !== 'string' || task.trim() === '') {
        failMsg(node, new Error('maintenance reset: msg.reset must be the task text of a rule, or "*"'), done);
        return;
      }
      try {
        const cleared = odometer.reset(task);
        node.log(`maintenance reset: ${cleared.join(', ')}`);
        done();
      } catch (err) {
        failMsg(node, err, done);
      }
    },
  };
}
