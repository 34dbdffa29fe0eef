import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventId, type EventType, type PrinterEvent, type PrinterRef } from '../../../src/event';
import type { TerminalState } from '../../../src/lifecycle';
import { BambuConnection } from '../../../src/sources/bambu/connection';
import { BambuMonitor } from '../../../src/sources/bambu/monitor';
import { MoonrakerConnection } from '../../../src/sources/moonraker/connection';
import { MoonrakerMonitor } from '../../../src/sources/moonraker/monitor';
import { OctoPrintConnection } from '../../../src/sources/octoprint/connection';
import { OctoPrintMonitor } from '../../../src/sources/octoprint/monitor';
import { createJobStateStore, type JobStateStore } from '../../../src/state/job-state-store';
import { FakePrinter } from '../../fakes/bambu/fake-printer';
import { delta } from '../../fakes/bambu/reports';
import { FakeMoonraker } from '../../fakes/moonraker/fake-moonraker';
import { FakeOctoPrint } from '../../fakes/octoprint/fake-octoprint';

/**
 * How each platform's outcome is recovered after a restart (docs/lifecycle.md, "Restarts"): a real
 * connection and monitor follow a fake printer over a real socket and persist into a real folder; the run
 * stops (as a kill would: only what was already written survives), the job ends on the printer, and a
 * new run with a new store reading that folder reports the one terminal event the job really had.
 */

interface Run {
  events: PrinterEvent[];
  stop(): Promise<void>;
}

interface Platform {
  printer: PrinterRef;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  follow(store: JobStateStore): Run;
  startJob(): void;
  /** Ends the job on the printer; `live` = while a run follows it (OctoPrint then also sends its events). */
  endJob(outcome: TerminalState, live?: boolean): void;
  /** The printer restarts while Node-RED is down and comes back idle (Bambu only). */
  restartIdle?(): void;
}

function octoprint(restarted: boolean): Platform {
  let fake: FakeOctoPrint;
  return {
    printer: { id: 'octo-1', name: 'Prusa', kind: 'octoprint' },
    async setUp() {
      fake = await new FakeOctoPrint().start();
    },
    tearDown: () => fake.stop(),
    follow(store) {
      const events: PrinterEvent[] = [];
      const connection = new OctoPrintConnection({ url: fake.url, apiKey: fake.apiKey, backoffBaseMs: 20, backoffMaxMs: 80, jobState: store });
      const monitor = new OctoPrintMonitor({ printer: this.printer, connection, emit: (e) => events.push(e) });
      connection.start();
      return { events, stop: async () => (monitor.dispose(), await connection.stop()) };
    },
    startJob: () => fake.startJob('cube.gcode'),
    endJob(outcome, live = false) {
      if (outcome === 'finished') fake.finishJob(!live);
      else if (outcome === 'cancelled') fake.cancelJob(!live);
      else fake.failJob('SerialException: device reports readiness to read but returned no data', !live);
      // OctoPrint restarted too: chart markings and the selected file were only in its memory; the
      // file's print statistics (prints.last) are on its disk.
      if (restarted && !live) Object.assign(fake.state, { markings: [], file: undefined, completion: null, printTime: null, printTimeLeft: null });
    },
  };
}

function moonraker(noHistory = false): Platform {
  let fake: FakeMoonraker;
  return {
    printer: { id: 'moon-1', name: 'Voron', kind: 'moonraker' },
    async setUp() {
      fake = new FakeMoonraker({ noHistory });
      await fake.listen();
    },
    tearDown: () => fake.close(),
    follow(store) {
      const events: PrinterEvent[] = [];
      const connection = new MoonrakerConnection({ url: fake.url, backoff: { baseMs: 20, maxMs: 80 }, klippyRetryMs: 40, requestTimeoutMs: 1000, jobState: store });
      const monitor = new MoonrakerMonitor({ printer: this.printer, connection, emit: (e) => events.push(e), historyWaitMs: 200, callTimeoutMs: 500 });
      connection.start();
      return { events, stop: async () => (monitor.dispose(), await connection.stop()) };
    },
    startJob: () => fake.update({ print_stats: { state: 'printing', filename: 'cube.gcode' }, virtual_sdcard: { progress: 0.05, is_active: true } }),
    endJob(outcome) {
      const state = outcome === 'finished' ? 'complete' : outcome === 'cancelled' ? 'cancelled' : 'error';
      fake.update({ print_stats: { state, message: outcome === 'failed' ? 'Heater extruder not heating at expected rate' : '' } });
    },
  };
}

function bambu(): Platform {
  let fake: FakePrinter;
  let pin: string | undefined;
  return {
    printer: { id: 'bambu-1', name: 'P1S', kind: 'bambu' },
    async setUp() {
      fake = await new FakePrinter({ serial: '01P00A000000201' }).start();
    },
    tearDown: () => fake.stop(),
    follow(store) {
      const events: PrinterEvent[] = [];
      const connection = new BambuConnection({
        host: '127.0.0.1',
        port: fake.port,
        serial: fake.serial,
        accessCode: fake.accessCode,
        tls: { mode: 'pin', expected: () => pin },
        onFirstFingerprint: (fp) => (pin = fp),
        backoff: { baseMs: 30, maxMs: 100 },
        jobState: store,
      });
      const monitor = new BambuMonitor({ printer: this.printer, connection, emit: (e) => events.push(e) });
      connection.start();
      return { events, stop: async () => (monitor.dispose(), await connection.stop()) };
    },
    startJob: () => fake.publish(delta({ gcode_state: 'RUNNING', subtask_name: 'cube', gcode_file: '/data/cube.gcode', gcode_start_time: '1764000000', mc_percent: 5 })),
    endJob(outcome) {
      if (outcome === 'finished') fake.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      // A cancel ends as FAILED with the cancel code in fail_reason (0300_400C); a fault keeps its print_error.
      else if (outcome === 'cancelled') fake.publish(delta({ gcode_state: 'FAILED', fail_reason: '50348044', print_error: 0 }));
      else fake.publish(delta({ gcode_state: 'FAILED', print_error: 0x0300_8003 }));
    },
    restartIdle: () => fake.publish(delta({ gcode_state: 'IDLE', mc_percent: 0, stg_cur: 255 })),
  };
}

const TERMINAL: Record<TerminalState, EventType> = { finished: 'print.done', cancelled: 'print.cancelled', failed: 'print.failed' };

async function until(check: () => boolean, what: () => string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const platforms: Array<[string, () => Platform]> = [
  ['OctoPrint (chart markings)', () => octoprint(false)],
  ['OctoPrint (file statistics; OctoPrint restarted too)', () => octoprint(true)],
  ['Moonraker (job history)', () => moonraker()],
  ['Moonraker without the history component (print_stats of the same file)', () => moonraker(true)],
  ['Bambu (gcode_state + print_error)', bambu],
];

for (const [name, make] of platforms) {
  describe(`restart recovery: ${name}`, function () {
    this.timeout(15_000);
    let platform: Platform;
    let dir: string;
    const stores: JobStateStore[] = [];
    const open = () => {
      const store = createJobStateStore({ dir, key: 'cfg', printer: platform.printer });
      stores.push(store);
      return store;
    };

    beforeEach(async () => {
      platform = make();
      dir = mkdtempSync(path.join(tmpdir(), 'printhooks-restart-'));
      await platform.setUp();
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close(false)));
      await platform.tearDown();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const outcome of ['finished', 'cancelled', 'failed'] as const) {
      it(`a job ${outcome} while down is reported once after the restart as ${TERMINAL[outcome]}, with its live id`, async () => {
        const store = open();
        const first = platform.follow(store);
        await until(() => first.events.some((e) => e.type === 'printer.online'), () => 'online');
        platform.startJob();
        await until(() => first.events.some((e) => e.type === 'print.started'), () => 'print.started');
        const started = first.events.find((e) => e.type === 'print.started')!;
        await store.flush(); // what a kill leaves: the edge was written at once
        await first.stop();

        platform.endJob(outcome);

        const second = platform.follow(open());
        const prints = () => second.events.filter((e) => e.type.startsWith('print.'));
        await until(() => prints().length > 0, () => `a terminal event (got ${second.events.map((e) => e.type).join(', ')})`);
        await new Promise((r) => setTimeout(r, 150));
        await second.stop();
        assert.deepEqual(prints().map((e) => e.type), [TERMINAL[outcome]]);
        const [terminal] = prints();
        assert.equal(terminal.job?.id, started.job?.id);
        assert.equal(terminal.id, eventId(platform.printer.id, started.job?.id, TERMINAL[outcome]));
        if (outcome === 'failed') assert.ok(terminal.error?.message, 'a failure says what went wrong');
      });
    }

    if (make().restartIdle) {
      it('a printer back at IDLE (it restarted too) gives the followed job its print.cancelled, reason aborted, once', async () => {
        const store = open();
        const first = platform.follow(store);
        await until(() => first.events.some((e) => e.type === 'printer.online'), () => 'online');
        platform.startJob();
        await until(() => first.events.some((e) => e.type === 'print.started'), () => 'print.started');
        await store.flush();
        await first.stop();
        platform.restartIdle?.();
        const second = platform.follow(open());
        await until(() => second.events.some((e) => e.type === 'printer.online'), () => 'online again');
        await new Promise((r) => setTimeout(r, 150));
        await second.stop();
        const prints = second.events.filter((e) => e.type.startsWith('print.'));
        assert.deepEqual(prints.map((e) => `${e.type}:${e.reason}`), ['print.cancelled:aborted']);
        assert.equal(prints[0].job?.file, 'cube');
      });
    }

    it('a job still running after the restart gets no second print.started', async () => {
      const store = open();
      const first = platform.follow(store);
      await until(() => first.events.some((e) => e.type === 'printer.online'), () => 'online');
      platform.startJob();
      await until(() => first.events.some((e) => e.type === 'print.started'), () => 'print.started');
      await store.flush();
      await first.stop();

      const second = platform.follow(open());
      await until(() => second.events.some((e) => e.type === 'printer.online'), () => 'online again');
      platform.endJob('finished', true);
      await until(() => second.events.some((e) => e.type === 'print.done'), () => `print.done (got ${second.events.map((e) => e.type).join(', ')})`);
      await second.stop();
      assert.deepEqual(second.events.filter((e) => e.type.startsWith('print.')).map((e) => e.type), ['print.done']);
    });
  });
}
