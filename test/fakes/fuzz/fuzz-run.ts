/**
 * Drives malformed frames from malformed-frames.ts into a fake printer's real socket, then a normal
 * job whose events must come out exactly once (docs/robustness.md). Shared by test/nodes/fuzz-*.spec.ts
 * (a few thousand frames per source) and bench/fuzz.ts (`npm run fuzz`, 100,000 per source).
 */
import type { FakePrinter } from '../bambu/fake-printer';
import { delta, fullReport } from '../bambu/reports';
import type { FakeMoonraker } from '../moonraker/fake-moonraker';
import type { FakeOctoPrint } from '../octoprint/fake-octoprint';
import { breaksWebsocket, FRAMES, hugeFrame, seededRandom, type FuzzFrame, type FuzzSource } from './malformed-frames';

export type FuzzFake = { source: 'bambu'; fake: FakePrinter } | { source: 'moonraker'; fake: FakeMoonraker } | { source: 'octoprint'; fake: FakeOctoPrint };

export interface FuzzOptions {
  seed: number;
  frames: number;
  /** How many 10 MB frames to mix in (spread evenly). */
  hugeFrames?: number;
  /** On websockets, one in this many frames that are not UTF-8 goes out as it is (the first one included; the client then closes and reconnects); the others go out as Latin-1 text. */
  invalidUtf8Every?: number;
  /** Frames sent before yielding to the event loop. */
  batch?: number;
  /** After a frame that makes the client close: resolves once the source is connected again (frames sent meanwhile would be lost). */
  afterBreak?: () => Promise<void>;
  /** Called after each batch with the frames sent so far. */
  progress?: (sent: number) => void;
}

export interface FuzzResult {
  sent: number;
  ms: number;
  utf8Breaks: number;
}

function sender(target: FuzzFake): (frame: FuzzFrame) => void {
  switch (target.source) {
    case 'bambu':
      return (frame) => target.fake.sendRaw(frame);
    case 'moonraker':
      return (frame) => target.fake.sendRaw(frame);
    default:
      return (frame) => target.fake.pushRaw(frame);
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `frames` seeded malformed frames through the fake's socket. */
export async function sendMalformedFrames(target: FuzzFake, options: FuzzOptions): Promise<FuzzResult> {
  const random = seededRandom(options.seed);
  const make = FRAMES[target.source];
  const send = sender(target);
  const batch = options.batch ?? 50;
  const hugeEvery = options.hugeFrames ? Math.max(1, Math.floor(options.frames / options.hugeFrames)) : 0;
  const utf8Every = options.invalidUtf8Every ?? 1000;
  let utf8Breaks = 0;
  let notUtf8 = 0;
  const started = Date.now();
  for (let i = 1; i <= options.frames; i += 1) {
    let frame: FuzzFrame = hugeEvery && i % hugeEvery === 0 ? hugeFrame() : make(random);
    let breaks = false;
    if (target.source !== 'bambu' && breaksWebsocket(frame)) {
      notUtf8 += 1;
      breaks = notUtf8 % utf8Every === 1 || utf8Every === 1;
      if (breaks) utf8Breaks += 1;
      else frame = (frame as Buffer).toString('latin1');
    }
    send(frame);
    if (breaks && options.afterBreak) {
      await sleep(50);
      await options.afterBreak();
    }
    if (i % batch === 0 || frame.length > 1_000_000) {
      await tick();
      // Backpressure: never more than a few hundred KB in flight, so the storm measures the source, not a queue.
      while (target.fake.backlogBytes > 256 * 1024) await sleep(2);
      options.progress?.(i);
    }
  }
  return { sent: options.frames, ms: Date.now() - started, utf8Breaks };
}

/** The file name of the normal job run after the storm. */
export const AFTER_FUZZ_FILE: Record<FuzzSource, string> = { bambu: 'after-fuzz', moonraker: 'after-fuzz.gcode', octoprint: 'after-fuzz.gcode' };


/**
 * Puts the fake printer back into a sane idle state, then runs one normal job from start to done,
 * the way the real printer reports it. `ready` resolves once the source is connected again.
 */
export async function runNormalJob(target: FuzzFake, ready: () => Promise<void>): Promise<void> {
  await ready();
  switch (target.source) {
    case 'bambu': {
      const p = target.fake;
      p.publish(fullReport({ gcode_state: 'IDLE' }));
      await sleep(100);
      p.publish(delta({ gcode_state: 'RUNNING', task_id: '0', subtask_id: '', subtask_name: AFTER_FUZZ_FILE.bambu, gcode_file: '', gcode_start_time: '1763990000', mc_percent: 1, print_error: 0 }));
      await sleep(50);
      p.publish(delta({ mc_percent: 50 }));
      await sleep(50);
      p.publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      return;
    }
    case 'moonraker': {
      const m = target.fake;
      m.update({ webhooks: { state: 'ready', state_message: 'Printer is ready' }, print_stats: { state: 'standby', filename: '', message: '' }, pause_resume: { is_paused: false } });
      await sleep(100);
      m.update({ print_stats: { filename: AFTER_FUZZ_FILE.moonraker, state: 'printing', total_duration: 1 }, virtual_sdcard: { progress: 0.01, is_active: true } });
      await sleep(300);
      m.update({ virtual_sdcard: { progress: 0.5 } });
      await sleep(50);
      m.update({ print_stats: { state: 'complete', total_duration: 60 }, virtual_sdcard: { progress: 1 } });
      return;
    }
    default: {
      const o = target.fake;
      o.setIdle();
      o.push({ current: o.stateMessage() });
      await sleep(100);
      o.startJob(AFTER_FUZZ_FILE.octoprint);
      await sleep(50);
      o.progress(50);
      await sleep(50);
      o.finishJob();
    }
  }
}

export interface JobEvent {
  type: string;
  job?: { id?: string; file?: string };
}

/**
 * What is wrong with the events of the normal job, or undefined when it was reported exactly: one
 * print.started and one print.done for the file, the same job id, and no other end for it.
 */
export function normalJobProblem(source: FuzzSource, events: readonly JobEvent[]): string | undefined {
  const file = AFTER_FUZZ_FILE[source];
  const mine = events.filter((e) => e.job?.file === file);
  const count = (type: string) => mine.filter((e) => e.type === type).length;
  const ends = ['print.done', 'print.failed', 'print.cancelled'].map((t) => `${t}×${count(t)}`).join(', ');
  if (count('print.started') !== 1 || count('print.done') !== 1 || count('print.failed') + count('print.cancelled') !== 0) {
    return `${source}: the job after the storm gave print.started×${count('print.started')}, ${ends}`;
  }
  const started = mine.find((e) => e.type === 'print.started')?.job?.id;
  const done = mine.find((e) => e.type === 'print.done')?.job?.id;
  return started === done ? undefined : `${source}: started as ${started}, done as ${done}`;
}
