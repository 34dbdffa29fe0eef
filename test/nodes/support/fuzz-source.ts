// One source node in a real Node-RED runtime (node-red-node-test-helper), wired to a fake printer
// over a real socket on 127.0.0.1, for the fuzz specs (docs/robustness.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakePrinter } from '../../fakes/bambu/fake-printer';
import type { FuzzFake, JobEvent } from '../../fakes/fuzz/fuzz-run';
import type { FuzzSource } from '../../fakes/fuzz/malformed-frames';
import { FakeMoonraker } from '../../fakes/moonraker/fake-moonraker';
import { FakeOctoPrint } from '../../fakes/octoprint/fake-octoprint';
import { helper } from '../helper';

export interface LoadedSource {
  target: FuzzFake;
  events: JobEvent[];
  /** Resolves once the source follows the printer again (after a socket the storm made the client close). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

async function until(check: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const NODES: Record<FuzzSource, () => unknown[]> = {
  bambu: () => [require('../../../nodes/printhooks-bambu-printer/printhooks-bambu-printer'), require('../../../nodes/printhooks-bambu/printhooks-bambu')],
  moonraker: () => [require('../../../nodes/printhooks-moonraker-server/printhooks-moonraker-server'), require('../../../nodes/printhooks-moonraker/printhooks-moonraker')],
  octoprint: () => [require('../../../nodes/printhooks-octoprint-server/printhooks-octoprint-server'), require('../../../nodes/printhooks-octoprint/printhooks-octoprint')],
};

/** Starts the fake, the runtime and a flow `config → source → helper`, and waits for printer.online. */
export async function loadSource(source: FuzzSource): Promise<LoadedSource> {
  const userDir = mkdtempSync(path.join(tmpdir(), `printhooks-fuzz-${source}-`));
  helper.settings({ userDir, printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 100 } } as never);
  await helper.startServer();
  let target: FuzzFake;
  let flow: object[];
  let credentials: object;
  let connected: () => boolean;
  if (source === 'bambu') {
    const fake = await new FakePrinter().start();
    target = { source, fake };
    flow = [{ id: 'cfg', type: 'printhooks-bambu-printer', name: 'P1S', host: '127.0.0.1', port: fake.port, serial: fake.serial, tls: 'insecure', reconnectMs: 20, slowRetryMs: 200 }, { id: 'src', type: 'printhooks-bambu', printer: 'cfg', offlineDelayMs: 100, wires: [['out']] }];
    credentials = { cfg: { accessCode: fake.accessCode } };
    connected = () => fake.connections > 0;
  } else if (source === 'moonraker') {
    const fake = new FakeMoonraker();
    await fake.listen();
    target = { source, fake };
    flow = [{ id: 'cfg', type: 'printhooks-moonraker-server', name: 'Voron', url: fake.url, reconnectMs: 20, klippyRetryMs: 40 }, { id: 'src', type: 'printhooks-moonraker', server: 'cfg', offlineDelayMs: 100, wires: [['out']] }];
    credentials = {};
    connected = () => fake.clientCount > 0 && fake.subscribedObjects() !== undefined;
  } else {
    const fake = await new FakeOctoPrint().start();
    target = { source, fake };
    flow = [{ id: 'cfg', type: 'printhooks-octoprint-server', name: 'Ender', url: fake.url, offlineDelay: 0.1, version: 1 }, { id: 'src', type: 'printhooks-octoprint', server: 'cfg', version: 1, wires: [['out']] }];
    credentials = { cfg: { apiKey: fake.apiKey } };
    connected = () => fake.authedSockets > 0;
  }
  await helper.load(NODES[source]() as never, [...flow, { id: 'out', type: 'helper' }] as never, credentials as never);
  const events: JobEvent[] = [];
  helper.getNode('out').on('input', (msg: unknown) => events.push((msg as { payload: JobEvent }).payload));
  await until(() => events.some((e) => e.type === 'printer.online'), 'printer.online');
  return {
    target,
    events,
    async ready() {
      await until(connected, `${source} connected again`);
      await new Promise((r) => setTimeout(r, 300));
    },
    async stop() {
      await helper.unload();
      await helper.stopServer();
      if (target.source === 'moonraker') await target.fake.close();
      else await target.fake.stop();
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}
