import type { Node, NodeAPI, NodeDef, NodeStatus } from 'node-red';
import type { PrinterEvent } from '../../src/event';
import { reportConfigError, statusText } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import { sourceExtras } from '../shared/source-extras';
import { printerBoard } from '../shared/printer-board';
import type { OctoPrintServerNode, OctoPrintUser } from '../printhooks-octoprint-server/server-node';
import { MIGRATIONS } from './migrations';

interface SourceDef extends NodeDef {
  server?: string;
  includeRaw?: boolean;
  version?: number;
}
import { whileOwned } from '../shared/printer-ownership';

export = function register(RED: NodeAPI): void {
  function OctoPrintSource(this: Node, def: SourceDef): void {
    RED.nodes.createNode(this, def);
    const node = this as OctoPrintUser;
    const config = migrateConfig<SourceDef>(def, MIGRATIONS);
    const includeRaw = config.includeRaw === true;
    const server = config.server ? (RED.nodes.getNode(config.server) as OctoPrintServerNode | null) : null;

    // the PrintHooks sidebar lists the printer under the server's name (docs/editor.md "Sidebar")
    const feed = server ? printerBoard.attach(server.id, server.printer ?? { id: server.id, name: server.name || 'OctoPrint', kind: 'octoprint' }, { id: node.id, name: node.name }) : undefined;
    // the end-of-print image and the maintenance odometer, once the server is known (docs/snapshots.md)
    let forward = (event: PrinterEvent, send: (out: PrinterEvent) => void): void => send(event);
    node.deliver = (event: PrinterEvent): void => {
      forward(event, (out) => {
        feed?.event(out);
        const payload = includeRaw || out.raw === undefined ? out : withoutRaw(out);
        node.send({ topic: out.type, payload });
      });
    };
    node.showStatus = (status: NodeStatus): void => {
      const shown = { ...status, text: statusText(String(status.text ?? '')) };
      feed?.status(shown);
      node.status(shown);
    };

    if (!server) {
      reportConfigError(node, 'no OctoPrint server selected: open the node and pick or add one');
      return;
    }
    if (server.configError) {
      reportConfigError(node, server.configError);
      // the sidebar lists the printer with what to fix
      feed?.status({ fill: 'red', text: statusText(server.configError) });
      node.on('close', (_removed: boolean, done: () => void) => {
        feed?.detach();
        done();
      });
      return;
    }
    if (server.printer) {
      const extras = sourceExtras(RED, node, server, server.printer);
      forward = extras.forward;
      node.on('input', (msg, _send, done) => extras.input(msg, done));
    }
    // with a PostgreSQL store, only the instance holding the printer's lease connects (docs/scale.md)
    const run = whileOwned(RED, server, node, node.showStatus, () => ({ dispose: () => undefined }));
    node.on('close', (_removed: boolean, done: () => void) => {
      feed?.detach();
      run.close(done);
    });
  }

  RED.nodes.registerType('printhooks-octoprint', OctoPrintSource);
};

function withoutRaw(event: PrinterEvent): PrinterEvent {
  const copy = { ...event };
  delete copy.raw;
  return copy;
}
