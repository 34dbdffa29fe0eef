/**
 * Guards for the callbacks a socket, an MQTT client or a timer runs (docs/robustness.md). An exception
 * thrown there is uncaught: Node-RED logs it and exits, stopping every flow. Each source wraps those
 * callbacks with `guarded`, so a fault becomes one warning naming the printer and the link goes on.
 */

/** Where a guarded fault is reported (a node's warn, with the printer named in the message). */
export type FaultReport = (message: string) => void;

/** The message of anything thrown, never itself throwing. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'unknown error';
  }
}

/** Calls `report` and swallows whatever it throws: reporting a fault must not become the next fault. */
export function safeReport(report: FaultReport, message: string): void {
  try {
    report(message);
  } catch {
    // nothing left to tell
  }
}

/**
 * Wraps a callback so that nothing it throws, and no promise it rejects, reaches the event loop:
 * `report` hears `${where}: <message>` instead. The wrapped function returns nothing.
 */
export function guarded<A extends unknown[]>(where: string, report: FaultReport, callback: (...args: A) => unknown): (...args: A) => void {
  return (...args: A) => {
    try {
      const result = callback(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(undefined, (err: unknown) => safeReport(report, `${where}: ${describeError(err)}`));
      }
    } catch (err) {
      safeReport(report, `${where}: ${describeError(err)}`);
    }
  };
}

/**
 * Warnings logged once per kind, with a cap on the kinds remembered: a printer inventing new
 * message types or error texts must not fill the log or the memory.
 */
export class OnceLog {
  private readonly seen = new Set<string>();

  constructor(
    private readonly report: FaultReport,
    private readonly maxKinds = 100,
  ) {}

  warn(kind: string, message: string): void {
    if (this.seen.has(kind) || this.seen.size >= this.maxKinds) return;
    this.seen.add(kind);
    safeReport(this.report, message);
  }
}
