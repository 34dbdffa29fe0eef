/** One job the simulator prints: what the printer shows while it runs. */
export interface SimJob {
  file: string;
  layers: number;
  /** Planned printing time in seconds (the demo pace, docs/demo.md). */
  durationS: number;
}

/**
 * What the job scripts (jobs.ts) ask a simulated printer to do. Each platform turns these into its own
 * protocol frames (printers/<platform>.ts) on the fake servers of test/fakes.
 */
export interface PrinterDriver {
  readonly kind: 'octoprint' | 'moonraker' | 'bambu';
  /** Whether a PrintHooks source is connected and past its handshake. */
  hasClient(): boolean;
  start(job: SimJob): void;
  progress(job: SimJob, percent: number, layer: number, elapsedS: number): void;
  /** A pause by the user, or by the printer because the filament ran out. */
  pause(job: SimJob, cause: 'user' | 'runout'): void;
  resume(job: SimJob): void;
  done(job: SimJob): void;
  cancel(job: SimJob): void;
  fail(job: SimJob): void;
  /** Back to ready after a job ended (clears an error state). */
  ready(): void;
  stop(): Promise<void>;
}
