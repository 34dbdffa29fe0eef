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

function moonraker(): PrinterDriver {
  let fake: FakeMoonraker;
  return {
    platform: 'moonraker',
    configType: 'printhooks-moonraker-server',
    nodes: [moonrakerServer, moonrakerSource],
    hasCamera: true,
    async start() {
      fake = new FakeMoonraker();
      await fake.listen();
      fake.webcams = [{ name: 'cam', enabled: true, snapshot_url: `${fake.url}/webcam/?action=snapshot` }];
    },
    stop: async () => fake?.close(),
    flow: (config, wires) => [
      { id: 'cfg', type: 'printhooks-moonraker-server', name: 'Voron', url: fake.url, reconnectMs: 20, klippyRetryMs: 40, ...config },
      { id: 'src', type: 'printhooks-moonraker', server: 'cfg', offlineDelayMs: 100, historyWaitMs: 200, wires: [wires] },
    ],
    credentials: () => ({}),
    settings: () => ({}),
    async ready() {
      await fake.until(() => fake.count('printer.objects.subscribe') >= 1);
      await new Promise((r) => setTimeout(r, 100));
    },
    printJob: (msgs, file, options) =>
      jobEdges(
        msgs,
        () => fake.update({ print_stats: { filename: file, state: 'printing' }, virtual_sdcard: { progress: 0.1 } }),
        () => fake.update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1 } }),
        options?.pause ? { pause: () => fake.update({ print_stats: { state: 'paused' } }), resume: () => fake.update({ print_stats: { state: 'printing' } }) } : undefined,
      ),
    setCamera: (frame) => (fake.snapshotBytes = Buffer.from(frame)),
  };
}

function octoprint(): PrinterDriver {
  let fake: FakeOctoPrint;
  return {
    platform: 'octoprint',
    configType: 'printhooks-octoprint-server',
    nodes: [octoprintServer, octoprintSource],
    hasCamera: true,
    async start() {
      fake = await new FakeOctoPrint({ prefix: '/octo' }).start();
    },
    stop: async () => fake?.stop(),
    flow: (config, wires) => [
      { id: 'cfg', type: 'printhooks-octoprint-server', name: 'Ender', url: fake.url, offlineDelay: 5, version: 1, ...config },
      { id: 'src', type: 'printhooks-octoprint', server: 'cfg', version: 1, wires: [wires] },
    ],
    credentials: () => ({ cfg: { apiKey: fake.apiKey } }),
    settings: () => ({ printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 200, pingIntervalMs: 200 } }),
    async ready() {
      await until(() => fake.authedSockets === 1, 'an authenticated socket');
    },
    printJob: (msgs, file, options) =>
      jobEdges(
        msgs,
        () => fake.startJob(file),
        () => fake.finishJob(),
        options?.pause
          ? { pause: () => fake.event('PrintPaused', fake.filePayload({ user: 'alice' })), resume: () => fake.event('PrintResumed', fake.filePayload({ user: 'alice' })) }
          : undefined,
      ),
    setCamera: (frame) => (fake.camera = frame),
  };
}

function bambu(): PrinterDriver {
  let printer: FakePrinter;
  let jobs = 0;
  return {
    platform: 'bambu',
    configType: 'printhooks-bambu-printer',
    nodes: [bambuPrinter, bambuSource],
    hasCamera: true,
    async start() {
      printer = await new FakePrinter({ productName: 'Bambu Lab P1S' }).start();
    },
    stop: async () => printer?.stop(),
    flow: (config, wires) => [
      { id: 'cfg', type: 'printhooks-bambu-printer', name: 'P1S', host: '127.0.0.1', port: printer.port, serial: printer.serial, tls: 'pin', reconnectMs: 20, slowRetryMs: 200, cameraPort: printer.cameraPort, ...config },
      { id: 'src', type: 'printhooks-bambu', printer: 'cfg', offlineDelayMs: 100, wires: [wires] },
    ],
    credentials: () => ({ cfg: { accessCode: printer.accessCode } }),
    settings: () => ({}),
    ready: (msgs) => until(() => count(msgs, 'printer.online') > 0, 'printer.online'),
    printJob: (msgs, file) => {
      jobs += 1;
      return jobEdges(
        msgs,
        () => printer.publish(delta({ gcode_state: 'RUNNING', subtask_name: file, gcode_start_time: String(1763900100 + jobs * 1000), mc_percent: 10 })),
        () => printer.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 })),
      );
    },
    setCamera: (frame) => (printer.cameraFrame = frame),
  };
}

function prusalink(): PrinterDriver {
  let fake: FakePrusaLink;
  return {
    platform: 'prusalink',
    configType: 'printhooks-prusalink-printer',
    nodes: [prusalinkPrinter, prusalinkSource],
    hasCamera: true,
    async start() {
      fake = await new FakePrusaLink({ flavour: 'pi' }).start();
    },
    stop: async () => fake?.stop(),
    flow: (config, wires) => [
      { id: 'cfg', type: 'printhooks-prusalink-printer', name: 'MK4', url: fake.url, pollMs: 20, fastPollMs: 10, reconnectMs: 20, ...config },
      { id: 'src', type: 'printhooks-prusalink', printer: 'cfg', offlineDelayMs: 5000, wires: [wires] },
    ],
    credentials: () => ({ cfg: { apiKey: fake.apiKey } }),
    settings: () => ({}),
    ready: (msgs) => until(() => count(msgs, 'printer.online') > 0, 'printer.online'),
    printJob: (msgs, file) =>
      jobEdges(
        msgs,
        () => {
          fake.idle();
          fake.startJob(file);
        },
        () => fake.finish(),
      ),
    setCamera: (frame) => (fake.cameraFrame = frame),
  };
}

function creality(): PrinterDriver {
  let fake: FakeCreality;
  return {
    platform: 'creality',
    configType: 'printhooks-creality-printer',
    nodes: [crealityPrinter, crealitySource],
    hasCamera: true,
    async start() {
      fake = new FakeCreality({ allStrings: true });
      await fake.listen();
    },
    stop: async () => fake?.close(),
    flow: (config, wires) => [
      { id: 'cfg', type: 'printhooks-creality-printer', name: 'K1C', host: '127.0.0.1', port: fake.port, reconnectMs: 20, cameraPort: fake.cameraPort, ...config },
      { id: 'src', type: 'printhooks-creality', printer: 'cfg', wires: [wires] },
    ],
    credentials: () => ({}),
    settings: () => ({}),
    async ready(msgs) {
      await until(() => count(msgs, 'printer.online') > 0, 'printer.online');
      await new Promise((r) => setTimeout(r, 50));
    },
    printJob: (msgs, file) =>
      jobEdges(
        msgs,
        () => {
          fake.startPrint(file);
          fake.progress(1, 1);
        },
        () => fake.finish(),
      ),
    setCamera: (frame) => (fake.jpeg = Buffer.from(frame)),
  };
}

function elegoo(): PrinterDriver {
  let fake: FakeSdcp;
  let jobs = 0;
  return {
    platform: 'elegoo',
    configType: 'printhooks-elegoo-printer',
    nodes: [elegooPrinter, elegooSource],
    hasCamera: false,
    async start() {
      fake = new FakeSdcp();
      await fake.listen();
    },
    stop: async () => fake?.close(),
    flow: (config, wires) => [
      { id: 'cfg', type: 'printhooks-elegoo-printer', name: 'CC', host: '127.0.0.1', port: fake.port, model: 'cc', reconnectMs: 20, ...config },
      { id: 'src', type: 'printhooks-elegoo', printer: 'cfg', offlineDelayMs: 50, wires: [wires] },
    ],
    credentials: () => ({}),
    settings: () => ({}),
    ready: (msgs) => until(() => count(msgs, 'printer.online') > 0, 'printer.online'),
    printJob: (msgs, file) => {
      jobs += 1;
      return jobEdges(
        msgs,
        () => fake.print({ Status: 13, TaskId: `task-${jobs}`, Filename: file, TotalLayer: 100, TotalTicks: 3600, Progress: 10 }),
        () => fake.print({ Status: 9, Progress: 100, CurrentLayer: 100, CurrentTicks: 3600 }),
      );
    },
    setCamera: () => {
      throw new Error('Elegoo printers have no camera PrintHooks can read');
    },
  };
}

export const DRIVERS: ReadonlyArray<() => PrinterDriver> = [octoprint, moonraker, bambu, prusalink, creality, elegoo];
