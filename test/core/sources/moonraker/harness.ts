// Wires a real MoonrakerConnection and MoonrakerMonitor to a FakeMoonraker, with short intervals.
import type { PrinterEvent } from '../../../../src/event';
import { MoonrakerConnection, type LinkPhase } from '../../../../src/sources/moonraker/connection';
import { MoonrakerMonitor, type MonitorOptions } from '../../../../src/sources/moonraker/monitor';
import { FakeMoonraker, type FakeOptions } from '../../../fakes/moonraker/fake-moonraker';

export interface Harness {
  fake: FakeMoonraker;
  conn: MoonrakerConnection;
  monitor: MoonrakerMonitor;
  events: PrinterEvent[];
  phases: LinkPhase[];
  warnings: string[];
  types(): string[];
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  waitForType(type: string, count?: number): Promise<PrinterEvent>;
  settle(ms?: number): Promise<void>;
  stop(): Promise<void>;
}

export const printer = { id: 'mr-test', name: 'Voron', kind: 'moonraker' as const };

export async function startHarness(
  options: { fake?: FakeOptions; apiKey?: string; monitor?: Partial<MonitorOptions>; prepare?: (fake: FakeMoonraker) => void; waitReady?: boolean } = {},
): Promise<Harness> {
  const fake = new FakeMoonraker(options.fake);
  options.prepare?.(fake);
  await fake.listen();
  const warnings: string[] = [];
  const conn = new MoonrakerConnection({
    url: fake.url,
    apiKey: options.apiKey ?? options.fake?.apiKey,
    backoff: { baseMs: 20, maxMs: 80 },
    klippyRetryMs: 40,
    requestTimeoutMs: 1000,
    warn: (m) => warnings.push(m),
  });
  const events: PrinterEvent[] = [];
  const phases: LinkPhase[] = [];
  const monitor = new MoonrakerMonitor({
    printer,
    connection: conn,
    emit: (e) => events.push(e),
    onPhase: (p) => phases.push(p),
    warn: (m) => warnings.push(m),
    offlineDelayMs: 150,
    historyWaitMs: 200,
    callTimeoutMs: 500,
    ...options.monitor,
  });
  const waitFor = async (predicate: () => boolean, timeoutMs = 3000) => {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out; events so far: ${events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const h: Harness = {
    fake,
    conn,
    monitor,
    events,
    phases,
    warnings,
    types: () => events.map((e) => e.type),
    waitFor,
    async waitForType(type, count = 1) {
      await waitFor(() => events.filter((e) => e.type === type).length >= count);
      return events.filter((e) => e.type === type)[count - 1];
    },
    settle: (ms = 60) => new Promise((r) => setTimeout(r, ms)),
    async stop() {
      monitor.dispose();
      await conn.stop();
      await fake.close();
    },
  };
  conn.start();
  if (options.waitReady !== false) await h.waitForType('printer.online');
  return h;
}

export async function printJob(h: Harness, file = 'benchy.gcode'): Promise<void> {
  h.fake.update({
    print_stats: { filename: file, state: 'printing', total_duration: 0.25 },
    virtual_sdcard: { file_path: `/home/pi/printer_data/gcodes/${file}`, is_active: true, file_position: 0, file_size: 20000 },
  });
  await h.waitForType('print.started');
}
