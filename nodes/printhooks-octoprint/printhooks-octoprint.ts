import type { Node, NodeAPI, NodeDef, NodeStatus } from 'node-red';
import type { PrinterEvent } from '../../src/event';
import { reportConfigError, statusText } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import type { OctoPrintServerNode, OctoPrintUser } from '../printhooks-octoprint-server/server-node';
import { MIGRATIONS } from './migrations';

interface SourceDef extends NodeDef {
  server?: string;
  includeRaw?: boolean;
  version?: number;
}

export = function register(RED: NodeAPI): void {
  function OctoPrintSource(this: Node, def: SourceDef): void {
    RED.nodes.createNode(this, def);
    const node = this as OctoPrintUser;
    const config = migrateConfig<SourceDef>(def, MIGRATIONS);
    const includeRaw = config.includeRaw === true;
    const server = config.server ? (RED.nodes.getNode(config.server) as OctoPrintServerNode | null) : null;

    node.deliver = (event: PrinterEvent): void => {
      const payload = includeRaw || event.raw === undefined ? event : withoutRaw(event);
      node.send({ topic: event.type, payload });
    };
    node.showStatus = (status: NodeStatus): void => {
      node.status({ ...status, text: statusText(String(status.text ?? '')) });
    };

    if (!server) {
      reportConfigError(node, 'no OctoPrint server selected: open the node and pick or add one');
      return;
    }
    if (server.configError) {
      reportConfigError(node, server.configError);
      return;
    }
    server.register(node);
    node.on('close', (_removed: boolean, done: () => void) => {
      server.deregister(node, done);
    });
  }

  RED.nodes.registerType('printhooks-octoprint', OctoPrintSource);
};

function withoutRaw(event: PrinterEvent): PrinterEvent {
  const copy = { ...event };
  delete copy.raw;
  return copy;
}
