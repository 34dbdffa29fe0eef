import type { PrinterDriver, SimJob } from './driver';

/** How a scripted job ends, and what happens on the way (docs/demo.md lists the loop of each printer). */
export type Outcome = 'done' | 'pause' | 'runout' | 'cancel' | 'fail';

export interface ScriptedJob extends SimJob {
  outcome: Outcome;
}

/** Where a job stops to pause, cancel or fail, in percent. */
const AT: Record<Exclude<Outcome, 'done'>, number> = { pause: 40, runout: 60, cancel: 55, fail: 70 };

export interface Pace {
  /** Seconds between progress frames. */
  tickS: number;
  /** Seconds a paused job waits before it resumes. */
  pauseS: number;
  /** Seconds a printer stays idle between jobs. */
  idleS: number;
}

export const DEMO_PACE: Pace = { tickS: 1, pauseS: 5, idleS: 4 };

/** Each printer's loop, started at a different point so the three show different endings at once. */
export function scriptFor(kind: PrinterDriver['kind']): ScriptedJob[] {
  const jobs: Record<PrinterDriver['kind'], ScriptedJob[]> = {
    octoprint: [
      { file: 'benchy.gcode', layers: 48, durationS: 24, outcome: 'done' },
      { file: 'phone_stand.gcode', layers: 60, durationS: 30, outcome: 'pause' },
      { file: 'cable_clip_x8.gcode', layers: 20, durationS: 20, outcome: 'cancel' },
      { file: 'spool_holder.gcode', layers: 90, durationS: 30, outcome: 'runout' },
      { file: 'gear_m2.gcode', layers: 36, durationS: 24, outcome: 'fail' },
    ],
    moonraker: [
      { file: 'voron_cube.gcode', layers: 100, durationS: 26, outcome: 'pause' },
      { file: 'fan_duct.gcode', layers: 70, durationS: 24, outcome: 'fail' },
      { file: 'calibration_tower.gcode', layers: 120, durationS: 30, outcome: 'done' },
      { file: 'toolhead_mount.gcode', layers: 80, durationS: 28, outcome: 'runout' },
      { file: 'bed_clip.gcode', layers: 12, durationS: 20, outcome: 'cancel' },
    ],
    bambu: [
      { file: 'planter.3mf', layers: 150, durationS: 28, outcome: 'runout' },
      { file: 'lamp_shade.3mf', layers: 200, durationS: 32, outcome: 'cancel' },
      { file: 'desk_organizer.3mf', layers: 110, durationS: 26, outcome: 'done' },
      { file: 'hinge_test.3mf', layers: 40, durationS: 22, outcome: 'fail' },
      { file: 'keycaps.3mf', layers: 30, durationS: 20, outcome: 'pause' },
    ],
  };
  return jobs[kind];
}

/** Sleeps, or resolves at once when the simulator stops. */
function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, seconds * 1000);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** Prints one job to its scripted end, a frame per tick. */
export async function printJob(printer: PrinterDriver, job: ScriptedJob, pace: Pace, signal: AbortSignal): Promise<void> {
  const stopAt = job.outcome === 'done' ? 100 : AT[job.outcome];
  const ticks = Math.max(1, Math.round(job.durationS / pace.tickS));
  printer.start(job);
  let paused = false;
  for (let i = 1; i <= ticks && !signal.aborted; i += 1) {
    await sleep(pace.tickS, signal);
    const percent = Math.min(100, Math.round((i / ticks) * 100));
    const layer = Math.max(1, Math.ceil((percent / 100) * job.layers));
    if ((job.outcome === 'pause' || job.outcome === 'runout') && !paused && percent >= stopAt) {
      paused = true;
      printer.pause(job, job.outcome === 'runout' ? 'runout' : 'user');
      await sleep(pace.pauseS, signal);
      printer.resume(job);
    }
    if (job.outcome === 'cancel' && percent >= stopAt) return printer.cancel(job);
    if (job.outcome === 'fail' && percent >= stopAt) return printer.fail(job);
    if (percent < 100) printer.progress(job, percent, layer, i * pace.tickS);
  }
  if (!signal.aborted) printer.done(job);
}

export interface LoopHooks {
  onJob?: (job: ScriptedJob) => void;
  onError: (err: unknown) => void;
}

/**
 * Loops a printer's script until `signal` aborts. The first job waits (up to `waitForClientS`) for a
 * PrintHooks source to connect, so its start is an edge and not the baseline. A step that throws is
 * reported through `onError` and the loop carries on with the next job.
 */
export async function loopJobs(printer: PrinterDriver, pace: Pace, signal: AbortSignal, hooks: LoopHooks, waitForClientS = 30): Promise<void> {
  for (let waited = 0; waited < waitForClientS && !printer.hasClient() && !signal.aborted; waited += 0.25) await sleep(0.25, signal);
  await sleep(2, signal);
  const script = scriptFor(printer.kind);
  for (let n = 0; !signal.aborted; n = (n + 1) % script.length) {
    try {
      hooks.onJob?.(script[n]);
      await printJob(printer, script[n], pace, signal);
      await sleep(pace.idleS, signal);
      if (!signal.aborted) printer.ready();
    } catch (err) {
      hooks.onError(err);
      await sleep(pace.idleS, signal);
    }
  }
}
