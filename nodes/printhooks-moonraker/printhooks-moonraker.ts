import type { NodeAPI } from 'node-red';
import { MoonrakerMonitor } from '../../src/sources/moonraker/monitor';
import { statusFor } from '../../src/sources/moonraker/status';
import { nonNegativeSetting } from '../shared/number-setting';
import { registerSourceNode } from '../shared/source-node';
import type { MoonrakerServerNode } from '../printhooks-moonraker-server/server-node';
import { MIGRATIONS } from './migrations';

/** The Moonraker source node: a monitor over its server config node's websocket (nodes/shared/source-node.ts). */
export = function (RED: NodeAPI) {
  registerSourceNode<MoonrakerServerNode, Parameters<typeof statusFor>>(RED, 'printhooks-moonraker', {
    configField: 'server',
    migrations: MIGRATIONS,
    missing: 'choose a Moonraker server (config node)',
    ready: (server) => server.connection !== undefined,
    statusFor,
    start: (server, basics, config) =>
      new MoonrakerMonitor({
        ...basics,
        connection: server.connection as NonNullable<typeof server.connection>,
        // test-only knob (not in the editor), in ms
        historyWaitMs: nonNegativeSetting(config.historyWaitMs),
      }),
  });
};
