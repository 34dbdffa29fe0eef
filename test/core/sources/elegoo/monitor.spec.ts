import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PrinterEvent } from '../../../../src/event';
import type { TerminalState } from '../../../../src/lifecycle';
import type { ElegooLink, ElegooListener, LinkPhase, PrinterIdentity } from '../../../../src/sources/elegoo/link';
import { ElegooMonitor } from '../../../../src/sources/elegoo/monitor';
import { sdcpReading } from '../../../../src/sources/elegoo/reading';
import { createJobStateStore, type JobStateStore } from '../../../../src/state/job-state-store';

const printer = { id: 'elegoo-test', name: 'CC', kind: 'elegoo' as const };

/** An in-memory link: the test plays the printer's readings and its history answers. */
class ScriptedLink implements ElegooLink {
  readonly model = 'cc' as const;
  readonly phase: LinkPhase = { phase: 'ready' };
  readonly identity: PrinterIdentity = {};
  readonly listeners = new Set<ElegooListener>();
  history: Map<string, TerminalState> | Error = new Map();
  asked: string[][] = [];
  constructor(readonly jobState?: JobStateStore) {}
  addListener(l: ElegooListener): void {
    this.listeners.add(l);
  }
  removeListener(l: ElegooListener): void {
    this.listeners.delete(l);
  }
  start(): void {}
  stop(): Promise<void> {
    return Promise.resolve();
  }
  jobOutcomes(ids: string[]): Promise<Map<string, TerminalState>> {
    this.asked.push(ids);
    return this.history instanceof Error ? Promise.reject(this.history) : Promise.resolve(this.history);
  }
  baseline(info: Record<string, unknown>): void {
    const status = { PrintInfo: info, TempOfHotbed: 60 };
    for (const l of this.listeners) l.baseline(sdcpReading(status, 'cc'), status);
  }
  report(info: Record<string, unknown>): void {
    const status = { PrintInfo: info, TempOfHotbed: 60 };
    for (const l of this.listeners) l.report(sdcpReading(status, 'cc'), status);
  }
  down(): void {
    for (const l of this.listeners) l.down();
  }
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('elegoo monitor', () => {
  let userDir: string;
  beforeEach(() => (userDir = mkdtempSync(path.join(tmpdir(), 'printhooks-elegoo-monitor-'))));
  afterEach(() => rmSync(userDir, { recursive: true, force: true }));

  function monitorOn(link: ScriptedLink, events: PrinterEvent[]): ElegooMonitor {
    return new ElegooMonitor({ printer, link, emit: (e) => events.push(e), offlineDelayMs: 10_000 });
  }
  const types = (events: PrinterEvent[]) => events.map((e) => e.type).filter((t) => !t.startsWith('printer.o'));

  it('a job that left for idle without its end, and no history: one print.cancelled (aborted); at 100 % one print.done', async () => {
    for (const [progress, expected] of [[40, 'print.cancelled'], [100, 'print.done']] as const) {
      const link = new ScriptedLink();
      link.history = new Error('no history');
      const events: PrinterEvent[] = [];
      const monitor = monitorOn(link, events);
      link.baseline({ Status: 0 });
      link.report({ Status: 13, TaskId: 't', Filename: 'a.gcode', Progress: progress });
      link.report({ Status: 0, TaskId: '', Filename: '' });
      await tick();
      link.report({ Status: 0 });
      await tick();
      assert.deepEqual(types(events).filter((t) => t !== 'print.progress'), ['print.started', expected]);
      if (expected === 'print.cancelled') assert.equal(events.at(-1)?.reason, 'aborted');
      monitor.dispose();
    }
  });

  it('a different job found at reconnect: the followed one ends (history), the new one starts', async () => {
    const link = new ScriptedLink();
    const events: PrinterEvent[] = [];
    const monitor = monitorOn(link, events);
    link.baseline({ Status: 13, TaskId: 'a', Filename: 'a.gcode' });
    link.down();
    link.history = new Map([['a', 'finished']]);
    link.baseline({ Status: 13, TaskId: 'b', Filename: 'b.gcode' });
    await tick();
    assert.deepEqual(types(events), ['print.done', 'print.started']);
    assert.deepEqual(link.asked, [['a']]);
    assert.equal(events.find((e) => e.type === 'print.started')?.job?.file, 'b.gcode');
    monitor.dispose();
  });

  it('a restart: a job still running gets no second start; one that ended while down gets its one end', async () => {
    const dir = path.join(userDir, 'state');
    const open = () => createJobStateStore({ dir, key: 'prn', printer, throttleMs: 0 });
    let store = open();
    let link = new ScriptedLink(store);
    const first: PrinterEvent[] = [];
    let monitor = monitorOn(link, first);
    link.baseline({ Status: 0 });
    link.report({ Status: 13, TaskId: 'r', Filename: 'r.gcode', Progress: 5 });
    await tick();
    monitor.dispose();
    await store.close(false);

    store = open();
    link = new ScriptedLink(store);
    const second: PrinterEvent[] = [];
    monitor = monitorOn(link, second);
    link.baseline({ Status: 13, TaskId: 'r', Filename: 'r.gcode', Progress: 6 });
    await tick();
    assert.deepEqual(types(second), [], 'still running: no second print.started');
    monitor.dispose();
    await store.close(false);

    store = open();
    link = new ScriptedLink(store);
    link.history = new Error('no history');
    const third: PrinterEvent[] = [];
    monitor = monitorOn(link, third);
    link.baseline({ Status: 9, TaskId: '', Filename: '' });
    await tick();
    assert.deepEqual(types(third), ['print.done']);
    assert.equal(third.find((e) => e.type === 'print.done')?.job?.file, 'r.gcode', 'the file name cached before the printer cleared it');
    monitor.dispose();
    await store.close(false);
  });
});
