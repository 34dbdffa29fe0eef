// One driver per platform for specs that need "a printer that prints a job" without caring how the
// platform says so: the fake printer over its real protocol, the config node `cfg` and source node
// `src`, a job from print.started to print.done, and the camera frame (where the platform has one).
import bambuPrinter = require('../../../nodes/printhooks-bambu-printer/printhooks-bambu-printer');
import bambuSource = require('../../../nodes/printhooks-bambu/printhooks-bambu');
import crealityPrinter = require('../../../nodes/printhooks-creality-printer/printhooks-creality-printer');
import crealitySource = require('../../../nodes/printhooks-creality/printhooks-creality');
import elegooPrinter = require('../../../nodes/printhooks-elegoo-printer/printhooks-elegoo-printer');
import elegooSource = require('../../../nodes/printhooks-elegoo/printhooks-elegoo');
import moonrakerServer = require('../../../nodes/printhooks-moonraker-server/printhooks-moonraker-server');
import moonrakerSource = require('../../../nodes/printhooks-moonraker/printhooks-moonraker');
import octoprintServer = require('../../../nodes/printhooks-octoprint-server/printhooks-octoprint-server');
import octoprintSource = require('../../../nodes/printhooks-octoprint/printhooks-octoprint');
import prusalinkPrinter = require('../../../nodes/printhooks-prusalink-printer/printhooks-prusalink-printer');
import prusalinkSource = require('../../../nodes/printhooks-prusalink/printhooks-prusalink');
import { FakePrinter } from '../../fakes/bambu/fake-printer';
import { delta } from '../../fakes/bambu/reports';
import { FakeCreality } from '../../fakes/creality/fake-creality';
import { FakeSdcp } from '../../fakes/elegoo/fake-sdcp';
import { FakeMoonraker } from '../../fakes/moonraker/fake-moonraker';
import { FakeOctoPrint } from '../../fakes/octoprint/fake-octoprint';
import { FakePrusaLink } from '../../fakes/prusalink/fake-prusalink';

export type FlowItem = { id: string; type: string; [key: string]: unknown };
export interface Msg {
  topic: string;
  payload: { id: string; type: string; job?: { id: string }; printer: { id: string; kind: string }; maintenance?: Record<string, unknown>; snapshot?: Record<string, unknown> };
}

export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const count = (msgs: Msg[], topic: string): number => msgs.filter((m) => m.topic === topic).length;

export interface PrinterDriver {
  readonly platform: string;
  /** The config node's type and the field of the source node that names it. */
  readonly configType: string;
  readonly nodes: unknown[];
  readonly hasCamera: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `cfg` (with `config` merged in) and `src`, wired to `wires`. */
  flow(config: Record<string, unknown>, wires: string[]): FlowItem[];
  credentials(): Record<string, unknown>;
  /** Extra Node-RED settings the platform's nodes need (fast timings). */
  settings(): Record<string, unknown>;
  /** Waits until the source follows the printer (its baseline is taken). */
  ready(msgs: Msg[]): Promise<void>;
  /** Runs one job to print.done and waits for it in `msgs`; with `pause` (OctoPrint, Moonraker) a pause and resume on the way. */
  printJob(msgs: Msg[], file: string, options?: { pause?: boolean }): Promise<void>;
  setCamera(frame: Buffer): void;
}

interface PauseSteps {
  pause(): void;
  resume(): void;
}

async function jobEdges(msgs: Msg[], begin: () => void, end: () => void, pause?: PauseSteps): Promise<void> {
  const started = count(msgs, 'print.started');
  const done = count(msgs, 'print.done');
  begin();
  await until(() => count(msgs, 'print.started') > started, 'print.started');
  if (pause) {
    const resumed = count(msgs, 'print.resumed');
    pause.pause();
    await until(() => count(msgs, 'print.paused') > resumed, 'print.paused');
    pause.resume();
    await until(() => count(msgs, 'print.resumed') > resumed, 'print.resumed');
  }
  end();
  await until(() => count(msgs, 'print.done') > done, 'print.done');
}

/**
 * What differs between platforms, and only that: the fake, the two nodes' fields, how a job begins and
 * ends on the fake, and where the camera frame goes. `driver` turns one into a PrinterDriver.
 */
interface Platform<F> {
  platform: string;
  configType: string;
  sourceType: string;
  /** The source node's field that names its config node. */
  configField: 'server' | 'printer';
  nodes: unknown[];
  launch(): Promise<F>;
  close(fake: F): Promise<unknown>;
  /** The config node's fields besides id and type (fast timings, the fake's address). */
  config(fake: F): Record<string, unknown>;
  /** The source node's own fields (its offline delay and the like). */
  source?: Record<string, unknown>;
  credentials?(fake: F): Record<string, unknown>;
  settings?: Record<string, unknown>;
  ready?(fake: F, msgs: Msg[]): Promise<void>;
  /** How the fake runs job number `n`: begin, end, and (where the platform has one) a pause and resume. */
  job(fake: F, file: string, n: number): { begin(): void; end(): void; pause?: PauseSteps };
  /** Where the camera frame goes; absent for a platform without a camera PrintHooks can read. */
  camera?(fake: F, frame: Buffer): void;
}

const online = (msgs: Msg[]) => until(() => count(msgs, 'printer.online') > 0, 'printer.online');

function driver<F>(p: Platform<F>): PrinterDriver {
  let fake: F | undefined;
  let jobs = 0;
  const started = (): F => {
    if (fake === undefined) throw new Error(`${p.platform}: start() first`);
    return fake;
  };
  return {
    platform: p.platform,
    configType: p.configType,
    nodes: p.nodes,
    hasCamera: p.camera !== undefined,
    async start() {
      fake = await p.launch();
    },
    stop: async () => {
      if (fake !== undefined) await p.close(fake);
    },
    flow: (config, wires) => [
      { id: 'cfg', type: p.configType, ...p.config(started()), ...config },
      { id: 'src', type: p.sourceType, [p.configField]: 'cfg', ...p.source, wires: [wires] },
    ],
    credentials: () => p.credentials?.(started()) ?? {},
    settings: () => p.settings ?? {},
    ready: (msgs) => (p.ready ? p.ready(started(), msgs) : online(msgs)),
    printJob: (msgs, file, options) => {
      jobs += 1;
      const job = p.job(started(), file, jobs);
      return jobEdges(msgs, job.begin, job.end, options?.pause ? job.pause : undefined);
    },
    setCamera: (frame) => {
      if (!p.camera) throw new Error(`${p.platform}: no camera PrintHooks can read`);
      p.camera(started(), frame);
    },
  };
}

const moonraker: Platform<FakeMoonraker> = {
  platform: 'moonraker',
  configType: 'printhooks-moonraker-server',
  sourceType: 'printhooks-moonraker',
  configField: 'server',
  nodes: [moonrakerServer, moonrakerSource],
  async launch() {
    const fake = new FakeMoonraker();
    await fake.listen();
    fake.webcams = [{ name: 'cam', enabled: true, snapshot_url: `${fake.url}/webcam/?action=snapshot` }];
    return fake;
  },
  close: (fake) => fake.close(),
  config: (fake) => ({ name: 'Voron', url: fake.url, reconnectMs: 20, klippyRetryMs: 40 }),
  source: { offlineDelayMs: 100, historyWaitMs: 200 },
  async ready(fake) {
    await fake.until(() => fake.count('printer.objects.subscribe') >= 1);
    await new Promise((r) => setTimeout(r, 100));
  },
  job: (fake, file) => ({
    begin: () => fake.update({ print_stats: { filename: file, state: 'printing' }, virtual_sdcard: { progress: 0.1 } }),
    end: () => fake.update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1 } }),
    pause: { pause: () => fake.update({ print_stats: { state: 'paused' } }), resume: () => fake.update({ print_stats: { state: 'printing' } }) },
  }),
  camera: (fake, frame) => (fake.snapshotBytes = Buffer.from(frame)),
};

const octoprint: Platform<FakeOctoPrint> = {
  platform: 'octoprint',
  configType: 'printhooks-octoprint-server',
  sourceType: 'printhooks-octoprint',
  configField: 'server',
  nodes: [octoprintServer, octoprintSource],
  launch: () => new FakeOctoPrint({ prefix: '/octo' }).start(),
  close: (fake) => fake.stop(),
  config: (fake) => ({ name: 'Ender', url: fake.url, offlineDelay: 5, version: 1 }),
  source: { version: 1 },
  credentials: (fake) => ({ cfg: { apiKey: fake.apiKey } }),
  settings: { printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 200, pingIntervalMs: 200 } },
  ready: (fake) => until(() => fake.authedSockets === 1, 'an authenticated socket'),
  job: (fake, file) => ({
    begin: () => fake.startJob(file),
    end: () => fake.finishJob(),
    pause: { pause: () => fake.event('PrintPaused', fake.filePayload({ user: 'alice' })), resume: () => fake.event('PrintResumed', fake.filePayload({ user: 'alice' })) },
  }),
  camera: (fake, frame) => (fake.camera = frame),
};

const bambu: Platform<FakePrinter> = {
  platform: 'bambu',
  configType: 'printhooks-bambu-printer',
  sourceType: 'printhooks-bambu',
  configField: 'printer',
  nodes: [bambuPrinter, bambuSource],
  launch: () => new FakePrinter({ productName: 'Bambu Lab P1S' }).start(),
  close: (printer) => printer.stop(),
  config: (printer) => ({ name: 'P1S', host: '127.0.0.1', port: printer.port, serial: printer.serial, tls: 'pin', reconnectMs: 20, slowRetryMs: 200, cameraPort: printer.cameraPort }),
  source: { offlineDelayMs: 100 },
  credentials: (printer) => ({ cfg: { accessCode: printer.accessCode } }),
  job: (printer, file, n) => ({
    begin: () => printer.publish(delta({ gcode_state: 'RUNNING', subtask_name: file, gcode_start_time: String(1763900100 + n * 1000), mc_percent: 10 })),
    end: () => printer.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 })),
  }),
  camera: (printer, frame) => (printer.cameraFrame = frame),
};

const prusalink: Platform<FakePrusaLink> = {
  platform: 'prusalink',
  configType: 'printhooks-prusalink-printer',
  sourceType: 'printhooks-prusalink',
  configField: 'printer',
  nodes: [prusalinkPrinter, prusalinkSource],
  launch: () => new FakePrusaLink({ flavour: 'pi' }).start(),
  close: (fake) => fake.stop(),
  config: (fake) => ({ name: 'MK4', url: fake.url, pollMs: 20, fastPollMs: 10, reconnectMs: 20 }),
  source: { offlineDelayMs: 5000 },
  credentials: (fake) => ({ cfg: { apiKey: fake.apiKey } }),
  job: (fake, file) => ({
    begin: () => {
      fake.idle();
      fake.startJob(file);
    },
    end: () => fake.finish(),
  }),
  camera: (fake, frame) => (fake.cameraFrame = frame),
};

const creality: Platform<FakeCreality> = {
  platform: 'creality',
  configType: 'printhooks-creality-printer',
  sourceType: 'printhooks-creality',
  configField: 'printer',
  nodes: [crealityPrinter, crealitySource],
  async launch() {
    const fake = new FakeCreality({ allStrings: true });
    await fake.listen();
    return fake;
  },
  close: (fake) => fake.close(),
  config: (fake) => ({ name: 'K1C', host: '127.0.0.1', port: fake.port, reconnectMs: 20, cameraPort: fake.cameraPort }),
  async ready(_fake, msgs) {
    await online(msgs);
    await new Promise((r) => setTimeout(r, 50));
  },
  job: (fake, file) => ({
    begin: () => {
      fake.startPrint(file);
      fake.progress(1, 1);
    },
    end: () => fake.finish(),
  }),
  camera: (fake, frame) => (fake.jpeg = Buffer.from(frame)),
};

/** Elegoo printers have no camera PrintHooks can read: no `camera`. */
const elegoo: Platform<FakeSdcp> = {
  platform: 'elegoo',
  configType: 'printhooks-elegoo-printer',
  sourceType: 'printhooks-elegoo',
  configField: 'printer',
  nodes: [elegooPrinter, elegooSource],
  async launch() {
    const fake = new FakeSdcp();
    await fake.listen();
    return fake;
  },
  close: (fake) => fake.close(),
  config: (fake) => ({ name: 'CC', host: '127.0.0.1', port: fake.port, model: 'cc', reconnectMs: 20 }),
  source: { offlineDelayMs: 50 },
  job: (fake, file, n) => ({
    begin: () => fake.print({ Status: 13, TaskId: `task-${n}`, Filename: file, TotalLayer: 100, TotalTicks: 3600, Progress: 10 }),
    end: () => fake.print({ Status: 9, Progress: 100, CurrentLayer: 100, CurrentTicks: 3600 }),
  }),
};

export const DRIVERS: ReadonlyArray<() => PrinterDriver> = [octoprint, moonraker, bambu, prusalink, creality, elegoo].map(
  (platform) => () => driver(platform as Platform<unknown>),
);
